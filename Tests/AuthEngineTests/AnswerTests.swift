import AuthEngine
import DNSWire
import Testing

@Suite("RFC 1034 4.3.2: authoritative answers")
struct AnswerTests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone), ("child.example.com.", childZone)]) }

    @Test func exactMatchIsAuthoritative() throws {
        let response = try ask(store, "web.example.com.", .a)
        #expect(response.rcode == .noError)
        #expect(response.header.isResponse && response.header.isAuthoritative)
        #expect(!response.header.recursionAvailable)
        #expect(response.header.recursionDesired, "RD is copied")
        #expect(response.header.id == 0x1234)
        #expect(lines(response.answers) == ["web.example.com. 3600 IN A 192.0.2.80"])
        #expect(response.authority.isEmpty)
    }

    @Test("the question is echoed exactly as sent, 0x20 case included")
    func questionCasePreserved() throws {
        let response = try ask(store, "wEb.ExAmPlE.cOm.", .a)
        #expect(response.questions.first?.name.description == "wEb.ExAmPlE.cOm.")
        #expect(response.answers.count == 1)
    }

    @Test("MX answers carry the exchange's in-zone addresses in the additional section")
    func additionalAddresses() throws {
        let response = try ask(store, "example.com.", .mx)
        #expect(lines(response.answers) == ["example.com. 3600 IN MX 10 mail.example.com."])
        #expect(Set(lines(response.additional)) == [
            "mail.example.com. 3600 IN A 192.0.2.25", "mail.example.com. 3600 IN AAAA 2001:db8::25",
        ])
    }

    @Test("several records of one RRset are all returned")
    func wholeRRset() throws {
        let response = try ask(store, "example.com.", .ns)
        #expect(Set(lines(response.answers)) == [
            "example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.net.",
        ])
        #expect(lines(response.additional) == ["ns1.example.com. 3600 IN A 192.0.2.1"])
    }

    @Test("class ANY questions are answered like IN")
    func classAny() throws {
        let response = try ask(store, "web.example.com.", .a, rclass: .any)
        #expect(response.answers.count == 1)
    }
}

@Suite("RFC 1034 3.6.2 and RFC 6604: CNAME")
struct CNAMETests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    @Test("an in-zone CNAME is followed to the data")
    func chase() throws {
        let response = try ask(store, "www.example.com.", .a)
        #expect(response.header.isAuthoritative)
        #expect(lines(response.answers) == [
            "www.example.com. 3600 IN CNAME web.example.com.", "web.example.com. 3600 IN A 192.0.2.80",
        ])
    }

    @Test("a CNAME out of the zone is returned alone")
    func outOfZone() throws {
        let response = try ask(store, "ext.example.com.", .a)
        #expect(response.rcode == .noError)
        #expect(lines(response.answers) == ["ext.example.com. 3600 IN CNAME www.example.org."])
    }

    @Test("asking for the CNAME itself returns it without following")
    func cnameType() throws {
        let response = try ask(store, "www.example.com.", .cname)
        #expect(lines(response.answers) == ["www.example.com. 3600 IN CNAME web.example.com."])
    }

    @Test("a chain ending at a missing name is NXDOMAIN with the CNAME and the SOA (RFC 6604)")
    func dangling() throws {
        let response = try ask(store, "dangling.example.com.", .a)
        #expect(response.rcode == .nxDomain)
        #expect(lines(response.answers) == ["dangling.example.com. 3600 IN CNAME missing.example.com."])
        #expect(response.authority.first?.type == .soa)
    }

    @Test("a CNAME loop ends without hanging")
    func loop() throws {
        let response = try ask(store, "loop1.example.com.", .a)
        #expect(response.answers.count == 2)
        #expect(response.rcode == .noError)
    }
}

@Suite("RFC 8482: minimal ANY")
struct AnyTests {
    @Test func anyReturnsOneRRset() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let response = try ask(store, "mail.example.com.", .any)
        #expect(response.header.isAuthoritative)
        #expect(response.answers.count == 1)
        #expect(response.answers.first?.type == .a)
    }
}
