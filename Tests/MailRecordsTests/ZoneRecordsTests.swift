import DNSWire
@testable import MailRecords
import Testing

@Suite("MailZone.zoneRecords: the zone we serve")
struct ZoneRecordsTests {
    let settings = ProviderSettings()

    func zone() throws -> (origin: Name, records: [Record]) {
        try MailZone.zoneRecords(for: Fixture.domain, settings: settings)
    }

    @Test func soaAtTheApex() throws {
        let (origin, records) = try zone()
        #expect(origin == (try Name("wistfare.com.")))
        let first = try #require(records.first)
        #expect(first.name == origin)
        #expect(first.type == .soa)
        #expect(first.ttl == 3600)
        #expect(first.rdata == .soa(SOA(
            mname: try Name("ns1.wistfare.net."), rname: try Name("hostmaster.wistfare.net."), serial: 2026040101,
            refresh: 7200, retry: 1800, expire: 1_209_600, minimum: 300
        )))
        #expect(records.filter { $0.type == .soa }.count == 1)
    }

    @Test func nameserversAtTheApex() throws {
        let (origin, records) = try zone()
        let ns = records.filter { $0.type == .ns }
        #expect(ns.allSatisfy { $0.name == origin && $0.ttl == 3600 })
        #expect(ns.map(\.rdata) == [.ns(try Name("ns1.wistfare.net.")), .ns(try Name("ns2.wistfare.net."))])
    }

    @Test func mailRecords() throws {
        let (origin, records) = try zone()
        let mx = records.filter { $0.type == .mx }
        #expect(mx.map(\.rdata) == [.mx(preference: 10, exchange: try Name("mail.wistfare.com."))])
        #expect(mx.first?.name == origin)

        let txt = records.filter { $0.type == .txt }
        #expect(txt.map(\.name) == [origin, try Name("wistmail._domainkey.wistfare.com."),
                                    try Name("_dmarc.wistfare.com.")])
        let published = MailZone.publishedRecords(for: Fixture.domain, settings: settings).filter { $0.type == "TXT" }
        for (record, expected) in zip(txt, published) {
            guard case .txt(let strings) = record.rdata else {
                Issue.record("\(record) is not TXT data")
                continue
            }
            #expect(strings.allSatisfy { $0.count <= 255 })
            #expect(String(decoding: strings.joined(), as: UTF8.self) == expected.value)
        }
        if case .txt(let dkim) = txt[1].rdata { #expect(dkim.map(\.count) == [255, 155]) }
    }

    @Test func everyRecordIsUnderTheOriginWithTheTTL() throws {
        let (origin, records) = try zone()
        #expect(records.count == 7)
        #expect(records.allSatisfy { $0.name.isSubdomain(of: origin) && $0.ttl == 3600 && $0.rclass == .in })
    }

    @Test func tooLongOwnerNameThrows() throws {
        let label = String(repeating: "a", count: 63)
        let name = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        let domain = MailDomain(name: name, dkim: [DKIMPublication(selector: "wistmail", keyType: .rsa, publicKey: Fixture.rsaKey)], serial: 1)
        #expect(throws: WireError.self) { try MailZone.zoneRecords(for: domain, settings: settings) }
    }
}

/// Names that every zone has (the provider's hosts) and the apex owners are shared, not parsed again: a million
/// zones would otherwise each hold copies.
@Suite struct SharedNamesTests {
    func storage(_ name: Name) -> UnsafeRawPointer? {
        name.wire.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func providerHostsAndApexOwnersShareStorage() throws {
        func zone(_ name: String) throws -> [Record] {
            let key = DKIMPublication(selector: "wistmail", keyType: .rsa, publicKey: Fixture.rsaKey)
            return try MailZone.zoneRecords(for: MailDomain(name: name, dkim: [key], serial: 1), settings: ProviderSettings()).records
        }
        let first = try zone("one.example"), second = try zone("two.example")
        for (a, b) in zip(first, second) where [RecordType.soa, .ns, .mx].contains(a.type) {
            switch (a.rdata, b.rdata) {
            case (.ns(let x), .ns(let y)), (.mx(_, let x), .mx(_, let y)):
                #expect(x == y && storage(x) == storage(y), "\(a.type)")
            case (.soa(let x), .soa(let y)):
                #expect(storage(x.mname) == storage(y.mname) && storage(x.rname) == storage(y.rname))
            default:
                Issue.record("unexpected \(a.type)")
            }
        }
        let apex = first.filter { $0.name == first[0].name }
        #expect(apex.count >= 4 && apex.allSatisfy { storage($0.name) == storage(first[0].name) })
    }

    /// The shared provider names are kept for the life of the process, so a bounded number are: settings that
    /// change often (or a bug that passes customer names through) cannot grow the table without bound. A table of
    /// its own: the process's is shared with the other tests.
    @Test("at most the table's capacity of names is kept: beyond it names are parsed each time, and still right")
    func providerNamesBounded() throws {
        let table = ProviderNames(capacity: 3)
        for index in 0 ..< 5 {
            let host = "mx\(index).bounded-provider.test"
            let first = try table.name(host)
            #expect(first == (try Name(host + ".")))
            // The same text again: kept (the same storage) only for the first three.
            let again = try table.name(host)
            #expect(again == first)
            #expect((storage(again) == storage(first)) == (index < 3), "\(host)")
        }
    }
}
