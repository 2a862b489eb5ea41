import DNSWire
import MailRecords
import Testing
@testable import Verification

@Suite("Verifier with fake servers on loopback")
struct VerifierTests {
    let client = StubResolver(timeout: .milliseconds(150), retries: 0)
    let expected = [
        PublishedRecord(kind: .mx, type: "MX", name: "example.test", value: "mail.wist.test", priority: 10),
        PublishedRecord(kind: .spf, type: "TXT", name: "example.test", value: "v=spf1 mx -all"),
        PublishedRecord(kind: .dkim, type: "TXT", name: "sel._domainkey.example.test", value: "v=DKIM1; k=rsa; p=QUJD"),
        PublishedRecord(kind: .dmarc, type: "TXT", name: "_dmarc.example.test",
                        value: "v=DMARC1; p=none; rua=mailto:dmarc@example.test"),
    ]

    /// A server answering from a fixed record list (NOERROR/NODATA for anything else).
    static func zoneServer() throws -> FakeDNSServer {
        let records = [
            Record(name: try Name("example.test", origin: .root), type: .mx, ttl: 60, rdata: .mx(preference: 10, exchange: try Name("mail.wist.test", origin: .root))),
            try txt("example.test", "v=spf1 mx -all"),
            try txt("sel._domainkey.example.test", "v=DKIM1; k=rsa; p=QUJD"),
            try txt("_dmarc.example.test", "v=DMARC1; p=none; rua=mailto:dmarc@example.test"),
            Record(name: try Name("example.test", origin: .root), type: .ns, ttl: 60, rdata: .ns(try Name("ns1.wist.test", origin: .root))),
        ]
        return try FakeDNSServer { query, _ in
            guard let question = query.questions.first else { return [] }
            let answers = records.filter { $0.name.lowercased() == question.name.lowercased() && $0.type == question.type }
            return [.answer(reply(to: query, answers: answers))]
        }
    }

    @Test func ownServerOnlyIsNotPubliclyVerified() async throws {
        let own = try VerifierTests.zoneServer()
        defer { own.stop() }
        let verifier = Verifier(ownServer: own.address, resolvers: [], nameservers: ["ns1.wist.test"], client: client)
        let report = await verifier.verify(domain: "example.test", expected: expected)
        #expect(report.records.count == 4)
        #expect(report.records.allSatisfy { $0.ownVerified && !$0.publicVerified && $0.resolvers.isEmpty })
        #expect(!report.publicConfigured)
        #expect(!report.verified)
        #expect(!report.temporaryFailure)
        #expect(report.delegation == nil)
        #expect(report.records.first?.own.observed == ["10 mail.wist.test"])
        #expect(own.queries.withLock { $0.allSatisfy { !$0.header.recursionDesired } })
    }

    @Test func silentResolverIsATemporaryFailure() async throws {
        let own = try VerifierTests.zoneServer()
        let silent = try FakeDNSServer { _, _ in [] }
        defer { own.stop(); silent.stop() }
        let verifier = Verifier(ownServer: own.address, resolvers: [silent.address], nameservers: ["ns1.wist.test"],
                                client: client)
        let report = await verifier.verify(domain: "example.test", expected: expected)
        #expect(report.records.allSatisfy { $0.ownVerified && !$0.publicVerified && !$0.verified })
        #expect(report.records.allSatisfy { $0.resolvers.map(\.outcome) == [.timeout] })
        #expect(report.publicConfigured)
        #expect(report.temporaryFailure)
        #expect(!report.verified)
        #expect(report.delegation?.delegated == false)
    }

    @Test func oneReachableResolverIsEnough() async throws {
        let own = try VerifierTests.zoneServer()
        let silent = try FakeDNSServer { _, _ in [] }
        let resolver = try VerifierTests.zoneServer()
        defer { own.stop(); silent.stop(); resolver.stop() }
        let verifier = Verifier(ownServer: own.address, resolvers: [silent.address, resolver.address],
                                nameservers: ["NS1.wist.test."], client: client)
        let report = await verifier.verify(domain: "example.test", expected: expected)
        #expect(report.records.allSatisfy { $0.publicVerified && $0.verified })
        #expect(report.records.allSatisfy { $0.resolvers.map(\.outcome) == [.timeout, .ok] })
        #expect(!report.temporaryFailure)
        #expect(report.verified)
        #expect(report.delegation?.resolverNS == ["ns1.wist.test"])
        #expect(report.delegation?.delegated == true)
        #expect(resolver.queries.withLock { $0.allSatisfy(\.header.recursionDesired) })
    }

    @Test func wrongRecordAtResolverIsAMismatch() async throws {
        let own = try VerifierTests.zoneServer()
        let stale = try FakeDNSServer { query, _ in
            guard let question = query.questions.first, question.type == .txt,
                  let record = try? txt(question.name.description, "v=spf1 -all") else { return [.answer(reply(to: query))] }
            return [.answer(reply(to: query, answers: [record]))]
        }
        defer { own.stop(); stale.stop() }
        let verifier = Verifier(ownServer: own.address, resolvers: [stale.address], nameservers: [], client: client)
        let report = await verifier.verify(domain: "example.test", expected: expected)
        #expect(report.records.map { $0.resolvers.first?.outcome } == [.missing, .mismatch, .mismatch, .missing])
        #expect(!report.verified)
        #expect(!report.temporaryFailure)
    }
}
