/// A customer's sending domain: what its records are made from.
public struct MailDomain: Sendable, Equatable {
    /// The normalized name (see `DomainNameValidator`), without a trailing dot.
    public var name: String
    /// The DKIM `p=` value: base64 of the DER SubjectPublicKeyInfo for RSA, base64 of the raw 32-octet
    /// public key for Ed25519 (RFC 8463).
    public var dkimPublicKey: String
    /// The DKIM key algorithm (`k=`).
    public var dkimKeyType: DKIMKeyType
    /// The raw 32-octet Ed25519 public key in base64, published under `dkimEd25519Selector` when that is set;
    /// nil when the domain has none.
    public var ed25519PublicKey: String?
    /// The SOA serial of the domain's zone.
    public var serial: UInt32

    /// A domain with the given name, DKIM key(s) and zone serial.
    public init(name: String, dkimPublicKey: String, dkimKeyType: DKIMKeyType = .rsa, ed25519PublicKey: String? = nil,
                serial: UInt32) {
        self.name = name
        self.dkimPublicKey = dkimPublicKey
        self.dkimKeyType = dkimKeyType
        self.ed25519PublicKey = ed25519PublicKey
        self.serial = serial
    }
}

/// A DKIM key algorithm, spelled as in the DKIM record's `k=` tag.
public enum DKIMKeyType: String, Sendable, Codable {
    /// RSA (RFC 6376); `p=` holds the SubjectPublicKeyInfo.
    case rsa
    /// Ed25519 (RFC 8463); `p=` holds the raw public key.
    case ed25519
}
