import AuthEngine
import DNSWire
import Testing

@Suite("RFC 1034 4.3.2 step 3b: referrals at zone cuts")
struct DelegationTests {
    @Test("a name below a cut gets a referral: AA clear, NS in authority, glue in additional")
    func referral() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let response = try ask(store, "www.child.example.com.", .a)
        #expect(response.rcode == .noError)
        #expect(!response.header.isAuthoritative)
        #expect(response.answers.isEmpty)
        #expect(lines(response.authority) == ["child.example.com. 3600 IN NS ns.child.example.com."])
        #expect(lines(response.additional) == ["ns.child.example.com. 3600 IN A 192.0.2.53"])
    }

    @Test("the cut itself is referred too, and so is the glue name")
    func cutAndGlue() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        #expect(!(try ask(store, "child.example.com.", .ns).header.isAuthoritative))
        let glue = try ask(store, "ns.child.example.com.", .a)
        #expect(!glue.header.isAuthoritative && glue.authority.first?.type == .ns)
    }

    @Test("when parent and child are both served, the child answers for its names")
    func parentAndChild() throws {
        let store = try makeStore([("example.com.", exampleZone), ("child.example.com.", childZone)])
        let response = try ask(store, "www.child.example.com.", .a)
        #expect(response.header.isAuthoritative)
        #expect(lines(response.answers) == ["www.child.example.com. 600 IN A 192.0.2.54"])
        let apex = try ask(store, "child.example.com.", .soa)
        #expect(apex.header.isAuthoritative && apex.answers.first?.type == .soa)
    }

    @Test("DS at a served child's apex is answered by the parent side")
    func dsFromParent() throws {
        let store = try makeStore([("example.com.", exampleZone), ("child.example.com.", childZone)])
        let response = try ask(store, "child.example.com.", .ds)
        #expect(response.header.isAuthoritative)
        #expect(response.authority.first?.name.lowercased() == (try Name("example.com.")))
    }
}

@Suite("Names outside every zone and other classes are REFUSED")
struct RefusedTests {
    @Test func outsideZones() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let response = try ask(store, "example.org.", .a)
        #expect(response.rcode == .refused)
        #expect(!response.header.isAuthoritative)
        #expect(response.answers.isEmpty && response.authority.isEmpty)
        #expect(response.questions.count == 1)
    }

    @Test func chaosClass() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        #expect(try ask(store, "example.com.", .txt, rclass: .ch).rcode == .refused)
    }

    @Test("a parent of a served zone is not served")
    func parentOfZone() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        #expect(try ask(store, "com.", .ns).rcode == .refused)
    }
}
