import AuthEngine
import DNSWire
import Testing

@Suite("RFC 2308: NXDOMAIN and NODATA carry the SOA with the negative TTL")
struct NegativeTests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    @Test func nxdomain() throws {
        let response = try ask(store, "nope.example.com.", .a)
        #expect(response.rcode == .nxDomain)
        #expect(response.header.isAuthoritative)
        #expect(response.answers.isEmpty)
        // The SOA's TTL is min(TTL 3600, MINIMUM 300) = 300 (RFC 2308 section 3).
        #expect(lines(response.authority) == [
            "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026010101 7200 900 1209600 300",
        ])
    }

    @Test func nodata() throws {
        let response = try ask(store, "web.example.com.", .aaaa)
        #expect(response.rcode == .noError)
        #expect(response.header.isAuthoritative)
        #expect(response.answers.isEmpty)
        #expect(response.authority.map(\.type) == [.soa])
        #expect(response.authority.first?.ttl == 300)
    }

    @Test("an empty non-terminal exists: NODATA, not NXDOMAIN (RFC 4592 2.2.2)")
    func emptyNonTerminal() throws {
        let response = try ask(store, "ent.example.com.", .a)
        #expect(response.rcode == .noError)
        #expect(response.answers.isEmpty)
        #expect(response.authority.map(\.type) == [.soa])
    }

    @Test("below an empty non-terminal, a missing name is NXDOMAIN")
    func belowEmptyNonTerminal() throws {
        let response = try ask(store, "x.ent.example.com.", .a)
        #expect(response.rcode == .nxDomain)
    }
}

@Suite("RFC 4592: wildcards")
struct WildcardTests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    @Test("a missing name under the wildcard's parent is synthesized with the query name as owner")
    func synthesized() throws {
        let response = try ask(store, "Any.Wild.example.com.", .txt)
        #expect(response.rcode == .noError)
        #expect(response.header.isAuthoritative)
        #expect(response.answers.count == 1)
        #expect(response.answers.first?.name.lowercased() == (try Name("any.wild.example.com.")))
    }

    @Test("a wildcard's other types are synthesized too; a missing type is NODATA")
    func otherTypes() throws {
        #expect(try ask(store, "x.wild.example.com.", .mx).answers.count == 1)
        let nodata = try ask(store, "x.wild.example.com.", .aaaa)
        #expect(nodata.rcode == .noError && nodata.answers.isEmpty && nodata.authority.first?.type == .soa)
    }

    @Test("an existing name is not covered by the wildcard")
    func existingNameWins() throws {
        let response = try ask(store, "sub.wild.example.com.", .txt)
        #expect(response.rcode == .noError)
        #expect(response.answers.isEmpty)
    }

    @Test("the wildcard does not match below an existing name (closest encloser rule)")
    func closestEncloser() throws {
        #expect(try ask(store, "a.sub.wild.example.com.", .txt).rcode == .nxDomain)
    }

    @Test("names deeper than one label are matched too")
    func deeper() throws {
        #expect(try ask(store, "a.b.c.wild.example.com.", .txt).answers.count == 1)
    }

    /// `*.example.net.` has no records, only a name below it: it exists all the same (an empty non-terminal), so
    /// a missing name it covers is NODATA, not NXDOMAIN. A zone's "has wildcards" shortcut must see it.
    @Test("a wildcard that is an empty non-terminal still matches: NODATA, not NXDOMAIN (RFC 4592 2.2.2)")
    func emptyNonTerminalWildcard() throws {
        let zone = """
            $ORIGIN example.net.
            $TTL 300
            @ SOA ns1.example.net. hostmaster.example.net. 1 7200 1800 1209600 300
            @ NS ns1.example.net.
            ns1 A 192.0.2.53
            sub.* TXT "below the wildcard"
            """
        let store = try makeStore([("example.net.", zone)])
        let response = try ask(store, "foo.example.net.", .a)
        #expect(response.rcode == .noError)
        #expect(response.answers.isEmpty && response.authority.first?.type == .soa)
        // Deeper names under the apex are covered as well: their closest encloser is the apex.
        let deeper = try ask(store, "sub.foo.example.net.", .txt)
        #expect(deeper.rcode == .noError && deeper.answers.isEmpty)
    }
}
