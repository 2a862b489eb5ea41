import Foundation
import Testing

/// The real binary, the repository's `zones/`, and `dig`: every record of the example zones as a user sees it.
@Suite("wistdns serve answers the example zones to dig", .serialized)
struct ExampleZonesTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess() }

    @Test("every record of wistfare.net", arguments: [
        ("wistfare.net", "SOA", ["ns1.wistfare.net. hostmaster.wistfare.net. 2026112901 7200 1800 1209600 300"]),
        ("wistfare.net", "NS", ["ns1.wistfare.net.", "ns2.wistfare.net."]),
        ("wistfare.net", "MX", ["10 mail.wistfare.net."]),
        ("wistfare.net", "TXT", ["\"v=spf1 mx ip4:192.0.2.25 ~all\""]),
        ("wistfare.net", "CAA", ["0 issue \"letsencrypt.org\""]),
        ("ns1.wistfare.net", "A", ["192.0.2.53"]),
        ("ns1.wistfare.net", "AAAA", ["2001:db8::53"]),
        ("ns2.wistfare.net", "A", ["198.51.100.53"]),
        ("ns2.wistfare.net", "AAAA", ["2001:db8:1::53"]),
        ("mail.wistfare.net", "A", ["192.0.2.25"]),
        ("mail.wistfare.net", "AAAA", ["2001:db8::25"]),
        ("smtp.wistfare.net", "A", ["mail.wistfare.net.", "192.0.2.25"]),
        ("_dmarc.wistfare.net", "TXT", ["\"v=DMARC1; p=reject; rua=mailto:dmarc@wistfare.net\""]),
        ("_submission._tcp.wistfare.net", "SRV", ["0 1 587 mail.wistfare.net."]),
        ("_imaps._tcp.wistfare.net", "SRV", ["0 1 993 mail.wistfare.net."]),
        ("wistfare.email", "MX", ["10 mail.wistfare.net."]),
        ("wistfare.email", "TXT", ["\"v=spf1 mx ip4:192.0.2.25 ~all\""]),
        ("_dmarc.wistfare.email", "TXT", ["\"v=DMARC1; p=quarantine; rua=mailto:dmarc@wistfare.email\""]),
        ("anything.wistfare.email", "TXT", ["\"wildcard: every other name here has this TXT record\""]),
    ])
    func record(name: String, type: String, expected: [String]) throws {
        let answer = try digShort(server, name, type)
        #expect(Set(answer) == Set(expected))
        #expect(answer.count == expected.count)
    }

    @Test("authoritative answers have aa set and ra clear")
    func flags() throws {
        let output = try dig(server, "mail.wistfare.net", "A")
        #expect(output.contains("status: NOERROR"))
        #expect(output.contains("flags: qr aa;"))
    }

    @Test("the DKIM record's strings are at most 255 octets and join to a 2048-bit key")
    func dkim() throws {
        let output = try digShort(server, "wistmail._domainkey.wistfare.email", "TXT")
        #expect(output.count == 1)
        let strings = try #require(output.first).split(separator: "\" \"").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        #expect(strings.count == 2)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        let value = strings.joined()
        #expect(value.hasPrefix("v=DKIM1; k=rsa; p="))
        let key = try #require(Data(base64Encoded: String(value.dropFirst("v=DKIM1; k=rsa; p=".count))))
        #expect(key.count == 294, "DER SubjectPublicKeyInfo of an RSA-2048 key")
    }

    @Test("NXDOMAIN carries the SOA in the authority section")
    func nxdomain() throws {
        let output = try dig(server, "nope.wistfare.net", "A")
        #expect(output.contains("status: NXDOMAIN"))
        #expect(output.contains("flags: qr aa;"))
        #expect(output.contains("AUTHORITY: 1"))
        #expect(output.range(of: #"wistfare\.net\.\s+300\s+IN\s+SOA"#, options: .regularExpression) != nil)
    }

    @Test("NODATA is NOERROR with the SOA and no answer")
    func nodata() throws {
        let output = try dig(server, "mail.wistfare.net", "TXT")
        #expect(output.contains("status: NOERROR"))
        #expect(output.contains("ANSWER: 0, AUTHORITY: 1"))
    }

    @Test("names outside our zones are REFUSED")
    func refused() throws {
        #expect(try dig(server, "example.org", "A").contains("status: REFUSED"))
    }

    @Test("below a zone cut: a referral with glue, aa clear")
    func referral() throws {
        let output = try dig(server, "www.lab.wistfare.net", "A")
        #expect(output.contains("status: NOERROR"))
        #expect(output.contains("flags: qr;"))
        #expect(output.range(of: #"lab\.wistfare\.net\.\s+3600\s+IN\s+NS\s+ns1\.lab\.wistfare\.net\."#,
                             options: .regularExpression) != nil)
        #expect(output.range(of: #"ns1\.lab\.wistfare\.net\.\s+3600\s+IN\s+A\s+203\.0\.113\.53"#,
                             options: .regularExpression) != nil)
    }

    @Test("the IPv6 listener answers too")
    func ipv6() throws {
        #expect(try dig(server, "+short", "mail.wistfare.net", "AAAA", address: "::1")
            .contains("2001:db8::25"))
    }
}
