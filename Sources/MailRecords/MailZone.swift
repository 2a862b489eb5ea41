import DNSWire
import Synchronization

/// The records of a customer's sending domain: as the API shows them and as the zone we serve holds them.
public enum MailZone {
    /// The label under which DKIM keys live (RFC 6376 section 3.6.2.1).
    static let dkimLabel = "_domainkey"
    /// The label of the DMARC policy record (RFC 7489 section 6.1).
    static let dmarcLabel = "_dmarc"

    /// The records of the domains API, in its order: MX, SPF TXT, the active RSA key's DKIM TXT
    /// (`v=DKIM1; k=rsa; p=<key>` at `<selector>._domainkey`), DMARC TXT, then the other active keys' DKIM TXT (the
    /// Ed25519 one, `k=ed25519`, when the provider turns it on). Names and the MX target have no trailing dot.
    public static func publishedRecords(for domain: MailDomain, settings: ProviderSettings) -> [PublishedRecord] {
        let values = Template.values(domain: domain.name, settings: settings)
        let active = domain.dkim.filter { $0.state == .active }
        let first = active.first { $0.keyType == .rsa } ?? active.first
        var records = [
            PublishedRecord(kind: .mx, type: "MX", name: domain.name, value: settings.mailHost.withoutTrailingDot,
                            priority: settings.mxPriority),
            PublishedRecord(kind: .spf, type: "TXT", name: domain.name,
                            value: Template.expand(settings.spfTemplate, values: values)),
        ]
        if let first { records.append(dkimRecord(first, domain: domain.name)) }
        records.append(PublishedRecord(kind: .dmarc, type: "TXT", name: "\(dmarcLabel).\(domain.name)",
                                       value: Template.expand(settings.dmarcTemplate, values: values)))
        for key in active where key != first { records.append(dkimRecord(key, domain: domain.name)) }
        return records
    }

    /// The DKIM TXT of `key`: published at `<selector>._domainkey.<domain>`.
    public static func dkimRecord(_ key: DKIMPublication, domain: String) -> PublishedRecord {
        PublishedRecord(kind: .dkim, type: "TXT", name: "\(key.selector).\(dkimLabel).\(domain)", value: key.value)
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
        let soa = SOA(mname: try providerName(primary), rname: try providerName(settings.hostmaster),
                      serial: domain.serial, refresh: settings.soaRefresh, retry: settings.soaRetry,
                      expire: settings.soaExpire, minimum: settings.negativeTTL)
        var records = [Record(name: origin, type: .soa, ttl: settings.ttl, rdata: .soa(soa))]
        for nameserver in settings.nameservers {
            records.append(Record(name: origin, type: .ns, ttl: settings.ttl, rdata: .ns(try providerName(nameserver))))
        }
        let rotating = domain.dkim.filter { $0.state != .active }.map { dkimRecord($0, domain: domain.name) }
        let apex = domain.name.withoutTrailingDot
        for published in publishedRecords(for: domain, settings: settings) + rotating {
            // The apex records share the origin's storage; the others are a label or two (`_dmarc`,
            // `<selector>._domainkey`, the same in every zone, parsed once) before it.
            let name = published.name.withoutTrailingDot
            let owner = if name == apex {
                origin
            } else if name.utf8.count > apex.utf8.count + 1, name.hasSuffix("." + apex) {
                try providerName(String(name.utf8.dropLast(apex.utf8.count + 1))!).appending(origin)
            } else {
                try absoluteName(name)
            }
            let record = switch published.kind {
            case .mx:
                Record(name: owner, type: .mx, ttl: settings.ttl,
                       rdata: .mx(preference: settings.mxPriority, exchange: try providerName(published.value)))
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

    /// The provider's host names (nameservers, hostmaster, mail host) and the labels before a zone's apex
    /// (`_dmarc`, `<selector>._domainkey`), the same in every zone.
    static let providerNames = ProviderNames(capacity: 64)

    /// `absoluteName` for a name of the provider's settings: parsed once, so that every zone's records share its
    /// storage (a few hundred bytes a zone).
    static func providerName(_ text: String) throws(WireError) -> Name {
        try providerNames.name(text)
    }
}

/// Names parsed once and shared: at most `capacity` are kept, for the life of the process (settings name a
/// handful; should more come, they are parsed each time).
final class ProviderNames: Sendable {
    private let capacity: Int
    private let names = Mutex<[String: Name]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The absolute name for `text` (with or without its trailing dot), kept if there is room.
    func name(_ text: String) throws(WireError) -> Name {
        if let name = names.withLock({ $0[text] }) { return name }
        let name = try MailZone.absoluteName(text)
        names.withLock { names in
            if names.count < capacity { names[text] = name }
        }
        return name
    }
}
