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

    @Test("a parent zone WistDNS serves itself never proves a delegation, and its servers are not even asked")
    func ownZoneIsNeverTheParent() async throws {
        let resolver = try resolver(resolverNS: ["ns1.wist.test", "ns2.wist.test"])
        let parent = try parent(parentNS: ["ns1.wist.test", "ns2.wist.test"])
        defer { resolver.stop(); parent.stop() }
        let ours = name("test")
        let verifier = Verifier(ownServer: resolver.address, resolvers: [resolver.address],
                                nameservers: ["ns1.wist.test", "ns2.wist.test"], client: client, parallelism: 4,
                                parentPort: parent.address.port, isOwnZone: { $0.lowercased() == ours })
        let report = await verifier.verify(domain: "example.test", expected: [])
        let delegation = try #require(report.delegation)
        #expect(delegation.parentZone == "test")
        #expect(!delegation.delegated, "the resolvers' NS set would say yes; our own zone must not")
        #expect(delegation.detail.contains("served by WistDNS itself"))
        #expect(parent.queries.withLock { $0.isEmpty })
    }

    @Test("by default (public resolvers) the probe never sends to a loopback parent server; with the option it does")
    func publicOnlyNeverProbesLoopback() async throws {
        let resolver = try resolver(resolverNS: ["ns1.wist.test"])
        let parent = try parent(parentNS: ["ns1.wist.test"])
        defer { resolver.stop(); parent.stop() }
        // As in production: the parent's nameserver has an address a probe must not reach (here 127.0.0.1,
        // where the fake parent listens, so a probe that ignored the rule would be seen).
        let strict = Verifier(ownServer: resolver.address, resolvers: [resolver.address],
                              nameservers: ["ns1.wist.test"], client: client, parallelism: 4,
                              parentPort: parent.address.port, probeTargets: .publicOnly)
        let refused = try #require(await strict.verify(domain: "example.test", expected: []).delegation)
        #expect(refused.parentServers.isEmpty)
        #expect(refused.detail.contains("no globally routable address"))
        #expect(parent.queries.withLock { $0.isEmpty })

        let allowed = Verifier(ownServer: resolver.address, resolvers: [resolver.address],
                               nameservers: ["ns1.wist.test"], client: client, parallelism: 4,
                               parentPort: parent.address.port, probeTargets: .any)
        let probed = try #require(await allowed.verify(domain: "example.test", expected: []).delegation)
        #expect(probed.parentServers == [parent.address.description])
        #expect(probed.delegated)
        #expect(parent.queries.withLock { !$0.isEmpty })
    }

    @Test("the policy follows the resolvers: loopback only when all are on loopback, else public only, or any with the option")
    func policyFromResolvers() throws {
        let loopback = try ResolverAddress("127.0.0.4"), public_ = try ResolverAddress("9.9.9.9")
        #expect(ProbeTargets.forResolvers([loopback], allowPrivate: false) == .loopbackOnly)
        #expect(ProbeTargets.forResolvers([loopback, public_], allowPrivate: false) == .publicOnly)
        #expect(ProbeTargets.forResolvers([public_], allowPrivate: false) == .publicOnly)
        #expect(ProbeTargets.forResolvers([], allowPrivate: false) == .publicOnly)
        #expect(ProbeTargets.forResolvers([public_], allowPrivate: true) == .any)
        #expect(ProbeTargets.loopbackOnly.allows(loopback) && !ProbeTargets.loopbackOnly.allows(public_))
    }

    @Test("special-purpose addresses are never probed by default", arguments: [
        ("0.0.0.0", false), ("0.1.2.3", false), ("10.0.0.1", false), ("100.64.0.1", false), ("100.127.255.255", false),
        ("127.0.0.1", false), ("127.255.0.9", false), ("169.254.169.254", false), ("172.16.0.1", false),
        ("172.31.255.255", false), ("192.0.0.8", false), ("192.0.2.1", false), ("192.88.99.1", false),
        ("192.168.1.1", false), ("198.18.0.1", false), ("198.19.255.1", false), ("198.51.100.7", false),
        ("203.0.113.9", false), ("224.0.0.251", false), ("239.1.2.3", false), ("240.0.0.1", false),
        ("255.255.255.255", false),
        ("1.1.1.1", true), ("8.8.8.8", true), ("100.63.255.255", true), ("100.128.0.0", true), ("172.15.255.255", true),
        ("172.32.0.0", true), ("192.0.1.255", true), ("198.20.0.0", true), ("223.255.255.255", true),
        ("::", false), ("::1", false), ("::ffff:10.0.0.1", false), ("::ffff:127.0.0.1", false), ("64:ff9b::a00:1", false),
        ("100::1", false), ("fc00::1", false), ("fd12:3456::1", false), ("fe80::1", false), ("febf::1", false),
        ("ff02::1", false), ("2001::1", false), ("2001:1ff::1", false), ("2001:db8::53", false), ("2002:a00:1::1", false),
        ("3fff::1", false), ("4000::1", false),
        ("2606:4700:4700::1111", true), ("2001:4860:4860::8888", true), ("2001:200::1", true), ("2a00:1450::1", true),
        ("::ffff:9.9.9.9", true),
    ])
    func specialAddresses(address: String, global: Bool) throws {
        let parsed = try ResolverAddress(address.contains(":") ? "[\(address)]:53" : address)
        #expect(SpecialAddresses.isGlobalUnicast(parsed.octets) == global, "\(address)")
        #expect(ProbeTargets.publicOnly.allows(parsed) == global)
        #expect(ProbeTargets.any.allows(parsed))
    }
}
