/// A DKIM signing key and the public value published in the selector's TXT record.
public struct DKIMKeyPair: Sendable, Equatable {
    /// The key type.
    public let algorithm: DKIMAlgorithm
    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted.
    public let privateKeyPEM: String
    /// The DKIM `p=` value: for RSA the base64 of the DER SubjectPublicKeyInfo (392 characters for 2048 bits);
    /// for Ed25519 the base64 of the raw 32-byte public key (44 characters, RFC 8463 section 4).
    public let publicKeyBase64: String

    /// Creates a key pair from stored values; it does not check that they belong together
    /// (use `DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM:)` for that).
    public init(algorithm: DKIMAlgorithm, privateKeyPEM: String, publicKeyBase64: String) {
        self.algorithm = algorithm
        self.privateKeyPEM = privateKeyPEM
        self.publicKeyBase64 = publicKeyBase64
    }
}

extension DKIMKeyPair: CustomStringConvertible {
    /// Names the algorithm and public key only, so that logging a key pair never writes the private key.
    public var description: String {
        "DKIMKeyPair(\(algorithm.rawValue), p=\(publicKeyBase64))"
    }
}
