/// The key types a DKIM selector can use.
public enum DKIMAlgorithm: String, Sendable, Codable {
    /// RSA with a 2048-bit modulus (`k=rsa`), the type every verifier accepts.
    case rsa2048 = "rsa-2048"
    /// Ed25519 (`k=ed25519`, RFC 8463).
    case ed25519

    /// The OpenSSL algorithm name used to create a key generation context.
    var openSSLName: String {
        switch self {
        case .rsa2048: "RSA"
        case .ed25519: "ED25519"
        }
    }
}
