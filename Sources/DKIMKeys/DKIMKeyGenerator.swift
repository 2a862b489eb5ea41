internal import COpenSSL

/// Creates DKIM keys with OpenSSL.
///
/// Measured on the project's 2-core machine: RSA-2048 generation median about 100-130 ms (range 40-260 ms,
/// prime search) when the machine is quiet, and a median of 160-270 ms (47-720 ms) in `DKIMKeysTests` runs while
/// other builds kept the load average at 3-7; Ed25519 about 0.02 ms. RSA generation must not run on the Swift cooperative pool: use
/// `DKIMKeyPool`, whose keys are made ahead of time on a thread of its own.
public enum DKIMKeyGenerator {
    /// Generates a key pair. Blocks the calling thread for the whole generation.
    public static func generate(_ algorithm: DKIMAlgorithm) throws(CryptoError) -> DKIMKeyPair {
        wist_openssl_init()
        ERR_clear_error()
        let key = try newKey(algorithm)
        defer { EVP_PKEY_free(key) }
        return DKIMKeyPair(
            algorithm: algorithm,
            privateKeyPEM: try OpenSSLEncoding.privateKeyPEM(key),
            publicKeyBase64: try OpenSSLEncoding.dkimPublicKey(key)
        )
    }

    /// Recomputes the p= value from a stored private key PEM (used by tests and to check stored keys).
    /// Accepts RSA and Ed25519 keys; anything else, or text that is not an unencrypted PEM private key, throws.
    public static func publicKeyBase64(fromPrivateKeyPEM pem: String) throws(CryptoError) -> String {
        wist_openssl_init()
        ERR_clear_error()
        let key = try OpenSSLEncoding.readPrivateKey(pem)
        defer { EVP_PKEY_free(key) }
        return try OpenSSLEncoding.dkimPublicKey(key)
    }

    /// A new key the caller must free with `EVP_PKEY_free`.
    private static func newKey(_ algorithm: DKIMAlgorithm) throws(CryptoError) -> OpaquePointer {
        let operation = "generate \(algorithm.rawValue)"
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm.openSSLName, nil) else {
            throw .openSSL(operation)
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .openSSL(operation) }
        if algorithm == .rsa2048, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) != 1 {
            throw .openSSL(operation)
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            EVP_PKEY_free(key)
            throw .openSSL(operation)
        }
        return key
    }
}
