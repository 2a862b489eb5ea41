/// Provider settings the records are made from.
///
/// `Codable` so it loads from a JSON config file; the keys are exactly the property names. Decoding an object
/// that holds only some keys keeps the defaults for the others, so a config file names only what it changes.
public struct ProviderSettings: Sendable, Codable, Equatable {
    /// The nameservers customers delegate to, as names without a trailing dot. The first is the SOA MNAME.
    public var nameservers: [String]
    /// The SOA RNAME: the hostmaster's mailbox written as a domain name (`hostmaster.wistfare.net`).
    public var hostmaster: String
    /// Zones customers may not add, nor any name below them.
    public var providerZones: [String]
    /// The MX target of every customer domain.
    public var mailHost: String
    /// The MX preference.
    public var mxPriority: UInt16
    /// The address mail is sent from, as dotted-quad IPv4 text.
    public var sendingIPv4: String
    /// The SPF value; the placeholders `{sendingIPv4}`, `{domain}` and `{mailHost}` are filled in.
    public var spfTemplate: String
    /// The DKIM selector: the key is published at `<selector>._domainkey.<domain>`.
    public var dkimSelector: String
    /// The selector of a second DKIM key, Ed25519 (RFC 8463), published beside the RSA one; nil (the default)
    /// publishes the RSA key only. Signers that support it sign with both, and verifiers that do not ignore it.
    public var dkimEd25519Selector: String?
    /// The DMARC value, published at `_dmarc.<domain>`; same placeholders as `spfTemplate`.
    public var dmarcTemplate: String
    /// The TTL of every record in a customer zone, the SOA included.
    public var ttl: UInt32
    /// The SOA MINIMUM field: how long resolvers cache negative answers (RFC 2308).
    public var negativeTTL: UInt32
    /// The SOA REFRESH field, in seconds.
    public var soaRefresh: UInt32
    /// The SOA RETRY field, in seconds.
    public var soaRetry: UInt32
    /// The SOA EXPIRE field, in seconds.
    public var soaExpire: UInt32

    /// Settings with every value given or defaulted; `ProviderSettings()` gives the shipped defaults, which
    /// match the provider zone in `zones/wistfare.net.zone` and the domains API's example response.
    public init(
        nameservers: [String] = ["ns1.wistfare.net", "ns2.wistfare.net"],
        hostmaster: String = "hostmaster.wistfare.net",
        providerZones: [String] = ["wistfare.net"],
        mailHost: String = "mail.wistfare.com",
        mxPriority: UInt16 = 10,
        sendingIPv4: String = "192.0.2.25",
        spfTemplate: String = "v=spf1 mx ip4:{sendingIPv4} ~all",
        dkimSelector: String = "wistmail",
        dkimEd25519Selector: String? = nil,
        dmarcTemplate: String = "v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}",
        ttl: UInt32 = 3600,
        negativeTTL: UInt32 = 300,
        soaRefresh: UInt32 = 7200,
        soaRetry: UInt32 = 1800,
        soaExpire: UInt32 = 1_209_600
    ) {
        self.nameservers = nameservers
        self.hostmaster = hostmaster
        self.providerZones = providerZones
        self.mailHost = mailHost
        self.mxPriority = mxPriority
        self.sendingIPv4 = sendingIPv4
        self.spfTemplate = spfTemplate
        self.dkimSelector = dkimSelector
        self.dkimEd25519Selector = dkimEd25519Selector
        self.dmarcTemplate = dmarcTemplate
        self.ttl = ttl
        self.negativeTTL = negativeTTL
        self.soaRefresh = soaRefresh
        self.soaRetry = soaRetry
        self.soaExpire = soaExpire
    }

    /// Decodes the keys present in the object and keeps the defaults for the missing ones.
    /// A key that is present with a value of the wrong type is an error, not a default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var settings = ProviderSettings()
        func take<Value: Decodable>(_ key: CodingKeys, _ value: inout Value) throws {
            if let decoded = try container.decodeIfPresent(Value.self, forKey: key) { value = decoded }
        }
        try take(.nameservers, &settings.nameservers)
        try take(.hostmaster, &settings.hostmaster)
        try take(.providerZones, &settings.providerZones)
        try take(.mailHost, &settings.mailHost)
        try take(.mxPriority, &settings.mxPriority)
        try take(.sendingIPv4, &settings.sendingIPv4)
        try take(.spfTemplate, &settings.spfTemplate)
        try take(.dkimSelector, &settings.dkimSelector)
        try take(.dkimEd25519Selector, &settings.dkimEd25519Selector)
        try take(.dmarcTemplate, &settings.dmarcTemplate)
        try take(.ttl, &settings.ttl)
        try take(.negativeTTL, &settings.negativeTTL)
        try take(.soaRefresh, &settings.soaRefresh)
        try take(.soaRetry, &settings.soaRetry)
        try take(.soaExpire, &settings.soaExpire)
        self = settings
    }

    /// The JSON keys: exactly the property names.
    private enum CodingKeys: String, CodingKey {
        case nameservers, hostmaster, providerZones, mailHost, mxPriority, sendingIPv4, spfTemplate
        case dkimSelector, dkimEd25519Selector, dmarcTemplate, ttl, negativeTTL, soaRefresh, soaRetry, soaExpire
    }
}
