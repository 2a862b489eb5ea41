import DNSWire
import MailRecords
import Testing
@testable import Verification

@Suite("Delegation check with a fake parent on loopback")
struct DelegationTests {
    let client = StubResolver(timeout: .milliseconds(150), retries: 0)

    func name(_ text: String) -> Name { NameText.absolute(text) ?? .root }

    /// A resolver that knows the parent zone `test` (served at 127.0.0.1) and returns `resolverNS` for the domain.
    func resolver(resolverNS: [String]) throws -> FakeDNSServer {
        let soa = SOA(mname: name("ns.parent.test"), rname: name("hostmaster.parent.test"), serial: 1, refresh: 60,
                      retry: 60, expire: 600, minimum: 60)
        let records = [
            Record(name: name("test"), type: .soa, ttl: 60, rdata: .soa(soa)),
            Record(name: name("test"), type: .ns, ttl: 60, rdata: .ns(name("ns.parent.test"))),
            Record(name: name("ns.parent.test"), type: .a, ttl: 60, rdata: .a([127, 0, 0, 1])),
        ] + resolverNS.map { Record(name: name("example.test"), type: .ns, ttl: 60, rdata: .ns(name($0))) }
        return try FakeDNSServer { query, _ in
            guard let question = query.questions.first else { return [] }
            let answers = records.filter { $0.name.lowercased() == question.name.lowercased() && $0.type == question.type }
            return [.answer(reply(to: query, answers: answers))]
        }
    }

    /// The parent's server: a referral for example.test with `parentNS` (answers only queries with RD clear).
    func parent(parentNS: [String]) throws -> FakeDNSServer {
        try FakeDNSServer { query, _ in
            guard !query.header.recursionDesired else { return [.answer(reply(to: query, rcode: .refused))] }
            let referral = parentNS.map { Record(name: self.name("example.test"), type: .ns, ttl: 60, rdata: .ns(self.name($0))) }
            return [.answer(reply(to: query, authority: referral))]
        }
    }

    @Test func parentListsOurNameservers() async throws {
        let resolver = try resolver(resolverNS: ["ns1.wist.test", "ns2.wist.test"])
        let parent = try parent(parentNS: ["NS2.wist.test", "ns1.wist.test"])
        defer { resolver.stop(); parent.stop() }
        let verifier = Verifier(ownServer: resolver.address, resolvers: [resolver.address],
                                nameservers: ["ns1.wist.test", "ns2.wist.test."], client: client, parallelism: 4,
                                parentPort: parent.address.port)
        let report = await verifier.verify(domain: "example.test", expected: [])
        let delegation = try #require(report.delegation)
        #expect(delegation.parentZone == "test")
        #expect(delegation.parentServers == [parent.address.description])
        #expect(delegation.parentNS == ["ns1.wist.test", "ns2.wist.test"])
        #expect(delegation.expected == ["ns1.wist.test", "ns2.wist.test"])
        #expect(delegation.delegated)
    }

    @Test func parentWithoutOurNameserversIsNotDelegated() async throws {
        // The resolver still has our NS set cached, but the parent lists another provider: the parent wins.
        let resolver = try resolver(resolverNS: ["ns1.wist.test"])
        let parent = try parent(parentNS: ["ns.elsewhere.test"])
        defer { resolver.stop(); parent.stop() }
        let verifier = Verifier(ownServer: resolver.address, resolvers: [resolver.address],
                                nameservers: ["ns1.wist.test"], client: client, parallelism: 4,
                                parentPort: parent.address.port)
        let report = await verifier.verify(domain: "example.test", expected: [])
        let delegation = try #require(report.delegation)
        #expect(delegation.resolverNS == ["ns1.wist.test"])
        #expect(delegation.parentNS == ["ns.elsewhere.test"])
        #expect(!delegation.delegated)
        #expect(delegation.detail.contains("ns.elsewhere.test"))
    }
}
