extension ProviderSettings {
    /// The largest TTL and SOA timer: RFC 2181 section 8 allows 0 to 2^31 - 1.
    static let maxTimer = UInt32(Int32.max)

    /// Checks that records can be made from these settings: non-empty, distinct nameservers; valid host
    /// names for the nameservers, hostmaster, provider zones and mail host; a DKIM selector made of valid
    /// labels; a dotted-quad IPv4 address; templates that use only known placeholders, start with their
    /// version tag (`v=spf1`, `v=DMARC1`) and expand to printable ASCII TXT values; timers of at most 2^31 - 1.
    public func validate() throws(SettingsError) {
        guard !nameservers.isEmpty else { throw SettingsError(message: "nameservers is empty") }
        for nameserver in nameservers { try Self.checkName(nameserver, setting: "nameservers") }
        let distinct = Set(nameservers.map { $0.lowercased().withoutTrailingDot })
        guard distinct.count == nameservers.count else {
            throw SettingsError(message: "nameservers lists a name twice")
        }
        try Self.checkName(hostmaster, setting: "hostmaster")
        for zone in providerZones { try Self.checkName(zone, setting: "providerZones") }
        try Self.checkName(mailHost, setting: "mailHost")
        if let reason = HostNameSyntax.problem(in: dkimSelector, minimumLabels: 1) {
            throw SettingsError(message: "dkimSelector '\(dkimSelector)': \(reason)")
        }
        if let selector = dkimEd25519Selector {
            if let reason = HostNameSyntax.problem(in: selector, minimumLabels: 1) {
                throw SettingsError(message: "dkimEd25519Selector '\(selector)': \(reason)")
            }
            guard selector.lowercased() != dkimSelector.lowercased() else {
                throw SettingsError(message: "dkimEd25519Selector must differ from dkimSelector")
            }
        }
        guard IPv4Text.parse(sendingIPv4) != nil else {
            throw SettingsError(message: "sendingIPv4 '\(sendingIPv4)' is not a dotted-quad IPv4 address")
        }
        try checkTemplate(spfTemplate, setting: "spfTemplate", tag: "v=spf1")
        try checkTemplate(dmarcTemplate, setting: "dmarcTemplate", tag: "v=DMARC1")
        let timers = [("ttl", ttl), ("negativeTTL", negativeTTL), ("soaRefresh", soaRefresh),
                      ("soaRetry", soaRetry), ("soaExpire", soaExpire)]
        for (setting, value) in timers where value > Self.maxTimer {
            throw SettingsError(message: "\(setting) \(value) is above \(Self.maxTimer)")
        }
    }

    /// Checks a host name setting (one trailing dot allowed).
    private static func checkName(_ name: String, setting: String) throws(SettingsError) {
        if let reason = HostNameSyntax.problem(in: name.withoutTrailingDot) {
            throw SettingsError(message: "\(setting) '\(name)': \(reason)")
        }
    }

    /// Checks a TXT template: known placeholders, the version tag first (RFC 7208 section 4.5, RFC 7489
    /// section 6.4), and, expanded for the longest possible domain, printable ASCII that fits one TXT RDATA.
    private func checkTemplate(_ template: String, setting: String, tag: String) throws(SettingsError) {
        if let unknown = Template.unknownPlaceholders(in: template).first {
            throw SettingsError(message: "\(setting) uses the unknown placeholder '{\(unknown)}'")
        }
        let longestDomain = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")
        let value = Template.expand(template, values: Template.values(domain: String(longestDomain.prefix(253)),
                                                                      settings: self))
        guard value == tag || value.hasPrefix(tag + " ") || value.hasPrefix(tag + ";") else {
            throw SettingsError(message: "\(setting) must start with '\(tag)'")
        }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }) else {
            throw SettingsError(message: "\(setting) must expand to printable ASCII")
        }
        let strings = TXTSplitter.split(value)
        guard strings.reduce(0, { $0 + 1 + $1.count }) <= Int(UInt16.max) else {
            throw SettingsError(message: "\(setting) expands to more than one TXT record can hold")
        }
    }
}
