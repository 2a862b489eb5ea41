import DNSWire
import MailRecords
import Testing

/// The records in the shape of the domains API's example response (`shared/seed/domains-api.txt`).
@Suite("MailZone.publishedRecords: the seed's shapes")
struct PublishedRecordsTests {
    @Test func seedShapesWithDefaults() {
        let records = MailZone.publishedRecords(for: Fixture.domain, settings: ProviderSettings())
        #expect(records == [
            PublishedRecord(kind: .mx, type: "MX", name: "wistfare.com", value: "mail.wistfare.com", priority: 10),
            PublishedRecord(kind: .spf, type: "TXT", name: "wistfare.com", value: "v=spf1 mx ip4:192.0.2.25 ~all"),
            PublishedRecord(kind: .dkim, type: "TXT", name: "wistmail._domainkey.wistfare.com",
                            value: "v=DKIM1; k=rsa; p=" + Fixture.rsaKey),
            PublishedRecord(kind: .dmarc, type: "TXT", name: "_dmarc.wistfare.com",
                            value: "v=DMARC1; p=quarantine; rua=mailto:dmarc@wistfare.com"),
        ])
    }

    @Test func templatesAndSettingsAreApplied() {
        let settings = ProviderSettings(
            mailHost: "mx.example.net.", mxPriority: 5, sendingIPv4: "198.51.100.7",
            spfTemplate: "v=spf1 a:{mailHost} ip4:{sendingIPv4} -all", dkimSelector: "s2026",
            dmarcTemplate: "v=DMARC1; p=reject; rua=mailto:reports@{domain}; {unknown}"
        )
        // The key carries its own selector (the one it was made under).
        let key = DKIMPublication(selector: "s2026", keyType: .ed25519, publicKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        let domain = MailDomain(name: "shop.example", dkim: [key], serial: 1)
        let records = MailZone.publishedRecords(for: domain, settings: settings)
        #expect(records.map(\.kind) == [.mx, .spf, .dkim, .dmarc])
        #expect(records[0].value == "mx.example.net")
        #expect(records[0].priority == 5)
        #expect(records[1].value == "v=spf1 a:mx.example.net ip4:198.51.100.7 -all")
        #expect(records[1].priority == nil)
        #expect(records[2].name == "s2026._domainkey.shop.example")
        #expect(records[2].value == "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(records[3].value == "v=DMARC1; p=reject; rua=mailto:reports@shop.example; {unknown}")
    }

    @Test func delegationIsTheNameservers() {
        #expect(MailZone.delegation(settings: ProviderSettings()) == ["ns1.wistfare.net", "ns2.wistfare.net"])
        #expect(MailZone.delegation(settings: ProviderSettings(nameservers: ["a.ns.example."])) == ["a.ns.example"])
    }
}

@Suite("Published records of a domain during a key rotation")
struct RotationRecordsTests {
    @Test("a rotation's keys: only the active ones are records; published and retired ones are in the zone, a retired one with an empty p=")
    func rotationKeys() throws {
        let domain = MailDomain(name: "rot.example", dkim: [
            DKIMPublication(selector: "wistmail-20261206", keyType: .rsa, publicKey: "NEWKEY", state: .published),
            DKIMPublication(selector: "wistmail", keyType: .rsa, publicKey: "OLDKEY", state: .active),
            DKIMPublication(selector: "wistmail-20250101", keyType: .rsa, publicKey: "OLDERKEY", state: .retired),
        ], serial: 1)
        let records = MailZone.publishedRecords(for: domain, settings: ProviderSettings())
        #expect(records.map(\.name) == ["rot.example", "rot.example", "wistmail._domainkey.rot.example", "_dmarc.rot.example"])
        #expect(records[2].value == "v=DKIM1; k=rsa; p=OLDKEY")
        let zone = try MailZone.zoneRecords(for: domain, settings: ProviderSettings()).records
        let txt = zone.filter { $0.name.description.contains("_domainkey") }.map { record -> String in
            guard case .txt(let strings) = record.rdata else { return "" }
            return record.name.description + " " + String(decoding: strings.joined(), as: UTF8.self)
        }
        #expect(txt == ["wistmail._domainkey.rot.example. v=DKIM1; k=rsa; p=OLDKEY",
                        "wistmail-20261206._domainkey.rot.example. v=DKIM1; k=rsa; p=NEWKEY",
                        "wistmail-20250101._domainkey.rot.example. v=DKIM1; k=rsa; p="])
    }
}
