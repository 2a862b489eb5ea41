internal import COpenSSL

/// SHA-256 through OpenSSL (`EVP_Digest` with `EVP_sha256`).
public enum SHA256 {
    /// The 32-byte digest of `bytes`. Traps only if OpenSSL cannot compute a digest at all (out of memory).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        wist_openssl_init()
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == 32, "SHA256: EVP_Digest failed")
        return digest
    }

    /// Lowercase hex of the SHA-256 of the string's UTF-8 bytes (API keys are stored as this).
    public static func hex(_ string: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hash(Array(string.utf8)) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
