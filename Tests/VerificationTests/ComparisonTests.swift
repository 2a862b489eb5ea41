import DNSWire
import MailRecords
import Testing
@testable import Verification

@Suite("Record comparison")
struct ComparisonTests {
    @Test func mxMatchesExchangeAndPreference() {
        let observed: [(UInt16, String)] = [(10, "Mail.Example.com.")]
        #expect(RecordComparison.compareMX(exchange: "mail.example.com", preference: 10, observed: observed) == .ok)
        #expect(RecordComparison.compareMX(exchange: "mail.example.com", preference: 20, observed: observed) == .mismatch)
        #expect(RecordComparison.compareMX(exchange: "mx.other.com", preference: 10, observed: observed) == .mismatch)
        #expect(RecordComparison.compareMX(exchange: "mail.example.com", preference: 10, observed: []) == .missing)
    }

    @Test func mxFromAResponse() throws {
        let expected = PublishedRecord(kind: .mx, type: "MX", name: "example.com", value: "mail.example.com", priority: 10)
        var header = Header(id: 1)
        header.isResponse = true
        let mx = Record(name: try Name("EXAMPLE.com", origin: .root), type: .mx, ttl: 60,
                        rdata: .mx(preference: 10, exchange: try Name("MAIL.example.com", origin: .root)))
        let (outcome, observed) = RecordComparison.compare(expected, response: Message(header: header, answers: [mx]))
        #expect(outcome == .ok)
        #expect(observed == ["10 mail.example.com"])
        header.rcodeLow = UInt8(Rcode.nxDomain.rawValue)
        #expect(RecordComparison.compare(expected, response: Message(header: header)).0 == .missing)
    }

    @Test func spfRules() {
        let expected = "v=spf1 mx include:_spf.example.net -all"
        #expect(RecordComparison.compareSPF(expected: expected, texts: ["v=spf1  mx include:_spf.example.net   -all"]) == .ok)
        #expect(RecordComparison.compareSPF(expected: expected, texts: [expected, "google-site-verification=x"]) == .ok)
        #expect(RecordComparison.compareSPF(expected: expected, texts: [expected, "v=spf1 -all"]) == .mismatch)
        #expect(RecordComparison.compareSPF(expected: expected, texts: ["v=spf1 ~all"]) == .mismatch)
        #expect(RecordComparison.compareSPF(expected: expected, texts: ["hello"]) == .missing)
        #expect(RecordComparison.compareSPF(expected: expected, texts: []) == .missing)
    }

    @Test func dkimSplitRecordPasses() throws {
        let key = String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 13)
        let expected = "v=DKIM1; k=rsa; p=\(key)"
        let record = try txt("sel._domainkey.example.com", expected)
        guard case .txt(let strings) = record.rdata else { Issue.record("not TXT"); return }
        #expect(strings.count == 2)
        var header = Header(id: 1)
        header.isResponse = true
        let published = PublishedRecord(kind: .dkim, type: "TXT", name: "sel._domainkey.example.com", value: expected)
        #expect(RecordComparison.compare(published, response: Message(header: header, answers: [record])).0 == .ok)
    }

    @Test func dkimTags() {
        let expected = "v=DKIM1; k=rsa; p=ABCDEF"
        #expect(RecordComparison.compareDKIM(expected: expected, texts: ["p=ABC DEF ;k=rsa;  v=DKIM1"]) == .ok)
        #expect(RecordComparison.compareDKIM(expected: expected, texts: ["v=DKIM1; p=ABCDEF"]) == .ok)
        #expect(RecordComparison.compareDKIM(expected: expected, texts: ["v=DKIM1; k=rsa; p=XYZ"]) == .mismatch)
        #expect(RecordComparison.compareDKIM(expected: expected, texts: ["v=DKIM1; k=ed25519; p=ABCDEF"]) == .mismatch)
        #expect(RecordComparison.compareDKIM(expected: expected, texts: ["v=DKIM2; k=rsa; p=ABCDEF"]) == .mismatch)
        #expect(RecordComparison.compareDKIM(expected: expected, texts: []) == .missing)
    }

    @Test func dmarcTags() {
        let expected = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
        #expect(RecordComparison.compareDMARC(expected: expected, texts: ["v=DMARC1;rua=mailto:dmarc@example.com ;  p=Quarantine; pct=100"]) == .ok)
        #expect(RecordComparison.compareDMARC(expected: expected, texts: ["v=DMARC1; p=none; rua=mailto:dmarc@example.com"]) == .mismatch)
        #expect(RecordComparison.compareDMARC(expected: expected, texts: ["v=DMARC1; p=quarantine; rua=mailto:DMARC@example.com"]) == .mismatch)
        #expect(RecordComparison.compareDMARC(expected: expected, texts: [expected, expected]) == .mismatch)
        #expect(RecordComparison.compareDMARC(expected: expected, texts: ["p=quarantine; v=DMARC1"]) == .missing)
        #expect(RecordComparison.compareDMARC(expected: expected, texts: []) == .missing)
    }

    @Test func resolverAddressText() throws {
        #expect(try ResolverAddress("1.1.1.1").description == "1.1.1.1:53")
        #expect(try ResolverAddress("127.0.0.1:5353").description == "127.0.0.1:5353")
        #expect(try ResolverAddress("[::1]:53").description == "[::1]:53")
        #expect(try ResolverAddress("::1", defaultPort: 5300).description == "[::1]:5300")
        #expect(try ResolverAddress("[::1]").port == 53)
        #expect(try ResolverAddress("127.0.0.2").isLoopback)
        for bad in ["dns.google", "dns.google:53", "1.1.1.1:0", "1.1.1.1:70000", "[::1", "", "1.2.3", "[1.2.3.4]:53"] {
            #expect(throws: ResolverAddressError.self) { try ResolverAddress(bad) }
        }
    }
}
