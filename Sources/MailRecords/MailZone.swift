import DNSWire

/// The records of a customer's sending domain: as the API shows them and as the zone we serve holds them.
public enum MailZone {
    /// The label under which DKIM keys live (RFC 6376 section 3.6.2.1).
    static let dkimLabel = "_domainkey"
    /// The label of the DMARC policy record (RFC 7489 section 6.1).
    static let dmarcLabel = "_dmarc"

    /// The records of the domains API, in its order: MX, SPF TXT, DKIM TXT (`v=DKIM1; k=<type>; p=<key>`), DMARC TXT,
    /// and, when `settings.dkimEd25519Selector` is set and the domain has an Ed25519 key, that key's DKIM TXT
    /// (`k=ed25519`) after the four. Names and the MX target have no trailing dot.
    public static func publishedRecords(for domain: MailDomain, settings: ProviderSettings) -> [PublishedRecord] {
        let values = Template.values(domain: domain.name, settings: settings)
        var records = [
            PublishedRecord(kind: .mx, type: "MX", name: domain.name, value: settings.mailHost.withoutTrailingDot,
                            priority: settings.mxPriority),
            PublishedRecord(kind: .spf, type: "TXT", name: domain.name,
                            value: Template.expand(settings.spfTemplate, values: values)),
            PublishedRecord(kind: .dkim, type: "TXT", name: "\(settings.dkimSelector).\(dkimLabel).\(domain.name)",
                            value: "v=DKIM1; k=\(domain.dkimKeyType.rawValue); p=\(domain.dkimPublicKey)"),
            PublishedRecord(kind: .dmarc, type: "TXT", name: "\(dmarcLabel).\(domain.name)",
                            value: Template.expand(settings.dmarcTemplate, values: values)),
        ]
        if let selector = settings.dkimEd25519Selector, let key = domain.ed25519PublicKey {
            records.append(PublishedRecord(kind: .dkim, type: "TXT", name: "\(selector).\(dkimLabel).\(domain.name)",
                                           value: "v=DKIM1; k=\(DKIMKeyType.ed25519.rawValue); p=\(key)"))
        }
        return records
    }

    /// The NS records the customer must publish at the parent: the nameservers, without trailing dots.
    public static func delegation(settings: ProviderSettings) -> [String] {
        settings.nameservers.map(\.withoutTrailingDot)
    }

    /// The zone we serve for the domain, every record with `settings.ttl`: the SOA at the apex (MNAME the
    /// first nameserver, RNAME the hostmaster, the domain's serial, the SOA timers, MINIMUM `negativeTTL`),
    /// the NS records, then the published records with TXT values split by `TXTSplitter`.
    /// Throws when a name is not valid wire data, e.g. too long once the selector is prepended.
    public static func zoneRecords(for domain: MailDomain, settings: ProviderSettings) throws(WireError)
        -> (origin: Name, records: [Record])
    {
        let origin = try absoluteName(domain.name)
        guard let primary = settings.nameservers.first else {
            throw WireError(.badText, field: "nameservers", offset: 0)
        }
        let soa = SOA(mname: try absoluteName(primary), rname: try absoluteName(settings.hostmaster),
                      serial: domain.serial, refresh: settings.soaRefresh, retry: settings.soaRetry,
                      expire: settings.soaExpire, minimum: settings.negativeTTL)
        var records = [Record(name: origin, type: .soa, ttl: settings.ttl, rdata: .soa(soa))]
        for nameserver in settings.nameservers {
            records.append(Record(name: origin, type: .ns, ttl: settings.ttl, rdata: .ns(try absoluteName(nameserver))))
        }
        for published in publishedRecords(for: domain, settings: settings) {
            let owner = try absoluteName(published.name)
            let record = switch published.kind {
            case .mx:
                Record(name: owner, type: .mx, ttl: settings.ttl,
                       rdata: .mx(preference: settings.mxPriority, exchange: try absoluteName(published.value)))
            case .spf, .dkim, .dmarc:
                Record(name: owner, type: .txt, ttl: settings.ttl, rdata: .txt(TXTSplitter.split(published.value)))
            }
            records.append(record)
        }
        return (origin, records)
    }

    /// The absolute name for presentation text with or without its trailing dot.
    static func absoluteName(_ text: String) throws(WireError) -> Name {
        try Name(text.withoutTrailingDot + ".")
    }
}
