/// One record a customer must publish, in the domains API's shape.
public struct PublishedRecord: Sendable, Equatable, Codable {
    /// Which check the record serves; the API's `mxVerified`, `spfVerified`, ... flags follow these.
    public enum Kind: String, Sendable, Codable {
        /// The MX record pointing at the mail host.
        case mx
        /// The SPF policy (a TXT record at the domain).
        case spf
        /// The DKIM public key (a TXT record at `<selector>._domainkey`).
        case dkim
        /// The DMARC policy (a TXT record at `_dmarc`).
        case dmarc
    }

    /// Which check the record serves.
    public var kind: Kind
    /// The record type's mnemonic: "MX" or "TXT".
    public var type: String
    /// The owner name without a trailing dot, such as "wistmail._domainkey.wistfare.com".
    public var name: String
    /// The MX target (no trailing dot), or the whole TXT value before it is split into strings.
    public var value: String
    /// The MX preference; nil for TXT records.
    public var priority: UInt16?

    /// A record with the given fields.
    public init(kind: Kind, type: String, name: String, value: String, priority: UInt16? = nil) {
        self.kind = kind
        self.type = type
        self.name = name
        self.value = value
        self.priority = priority
    }
}
