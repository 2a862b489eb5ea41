/// A customer's sending domain: what its records are made from.
public struct MailDomain: Sendable, Equatable {
    /// The normalized name (see `DomainNameValidator`), without a trailing dot.
    public var name: String
    /// The DKIM keys DNS publishes for the domain, each under its own selector: the active keys (the RSA one
    /// first) and those a rotation has published or retired.
    public var dkim: [DKIMPublication]
    /// The SOA serial of the domain's zone.
    public var serial: UInt32

    /// A domain with the given name, DKIM keys and zone serial.
    public init(name: String, dkim: [DKIMPublication], serial: UInt32) {
        self.name = name
        self.dkim = dkim
        self.serial = serial
    }
}

/// One DKIM key as DNS publishes it, at `<selector>._domainkey.<domain>`.
public struct DKIMPublication: Sendable, Equatable {
    /// Where the key is in its life.
    public enum State: String, Sendable {
        /// Published ahead of use: a rotation waits for the world to serve it.
        case published
        /// The key signers use; shown in the domains API's records.
        case active
        /// Replaced: published with an empty `p=` (RFC 6376 section 3.6.1) so verifiers see it revoked.
        case retired
    }

    public var selector: String
    public var keyType: DKIMKeyType
    /// The `p=` value: base64 of the DER SubjectPublicKeyInfo for RSA, of the raw 32-octet key for Ed25519.
    public var publicKey: String
    public var state: State

    public init(selector: String, keyType: DKIMKeyType, publicKey: String, state: State = .active) {
        self.selector = selector
        self.keyType = keyType
        self.publicKey = publicKey
        self.state = state
    }

    /// The TXT value: `v=DKIM1; k=<type>; p=<key>`, with an empty `p=` once retired.
    public var value: String {
        "v=DKIM1; k=\(keyType.rawValue); p=\(state == .retired ? "" : publicKey)"
    }
}

/// A DKIM key algorithm, spelled as in the DKIM record's `k=` tag.
public enum DKIMKeyType: String, Sendable, Codable {
    /// RSA (RFC 6376); `p=` holds the SubjectPublicKeyInfo.
    case rsa
    /// Ed25519 (RFC 8463); `p=` holds the raw public key.
    case ed25519
}
