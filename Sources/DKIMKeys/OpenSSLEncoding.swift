internal import COpenSSL
import DNSWire

/// Conversions between OpenSSL keys and the text forms DKIM stores and publishes.
enum OpenSSLEncoding {
    /// The key as unencrypted PKCS#8 PEM.
    static func privateKeyPEM(_ key: OpaquePointer) throws(CryptoError) -> String {
        let operation = "write private key PEM"
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL(operation) }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PKCS8PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else { throw .openSSL(operation) }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = wist_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { throw .openSSL(operation) }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// Reads a PEM private key (PKCS#8 or traditional). An encrypted key fails: no passphrase is ever asked for.
    static func readPrivateKey(_ pem: String) throws(CryptoError) -> OpaquePointer {
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let key else { throw .openSSL("read private key PEM") }
        return key
    }

    /// The DKIM `p=` value of the key: base64 of the SubjectPublicKeyInfo for RSA, of the raw key for Ed25519.
    static func dkimPublicKey(_ key: OpaquePointer) throws(CryptoError) -> String {
        if EVP_PKEY_is_a(key, "ED25519") == 1 { return Base64.encode(try rawPublicKey(key)) }
        if EVP_PKEY_is_a(key, "RSA") == 1 { return Base64.encode(try subjectPublicKeyInfo(key)) }
        throw CryptoError(operation: "encode DKIM public key", detail: "unsupported key type (only RSA and Ed25519)")
    }

    private static func subjectPublicKeyInfo(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        let operation = "encode SubjectPublicKeyInfo"
        let length = Int(i2d_PUBKEY(key, nil))
        guard length > 0 else { throw .openSSL(operation) }
        var der = [UInt8](repeating: 0, count: length)
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return Int(i2d_PUBKEY(key, &cursor))
        }
        guard written == length else { throw .openSSL(operation) }
        return der
    }

    private static func rawPublicKey(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        let operation = "read raw public key"
        var length = 0
        guard EVP_PKEY_get_raw_public_key(key, nil, &length) == 1 else { throw .openSSL(operation) }
        var raw = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1 else { throw .openSSL(operation) }
        return Array(raw.prefix(length))
    }
}
