import DNSWire
import Testing
@testable import Verification

@Suite("Stub resolver against fake servers on loopback")
struct StubResolverTests {
    let resolver = StubResolver(timeout: .milliseconds(200), retries: 1)
    let good: [UInt8] = [127, 0, 0, 9]

    func answer(_ query: Message, _ octets: [UInt8]) -> Message {
        let name = query.questions.first?.name ?? .root
        return reply(to: query, answers: [Record(name: name, type: .a, ttl: 60, rdata: .a(octets))])
    }

    func addresses(_ message: Message) -> [[UInt8]] {
        message.answers.compactMap { if case .a(let octets) = $0.rdata { octets } else { nil } }
    }

    @Test func answersAndSendsEDNS() async throws {
        let server = try FakeDNSServer { query, _ in [.answer(answer(query, good))] }
        defer { server.stop() }
        let response = try await resolver.query(try Name("Www.Example.Test", origin: .root), .a, server: server.address, recursionDesired: true)
        #expect(addresses(response) == [good])
        let sent = server.queries.withLock { $0 }
        #expect(sent.first?.edns?.udpPayloadSize == 1232)
        #expect(sent.first?.header.recursionDesired == true)
    }

    @Test("an IPv4-mapped IPv6 address (a resolver given so, a nameserver's AAAA) is reached over IPv4, on UDP and TCP")
    func mappedAddress() async throws {
        let good = self.good
        let server = try FakeDNSServer { query, overTCP in
            [.answer(reply(to: query, answers: [Record(name: query.questions[0].name, type: .a, ttl: 60, rdata: .a(good))],
                           truncated: !overTCP))]
        }
        defer { server.stop() }
        let mapped = try ResolverAddress("[::ffff:127.0.0.1]:\(server.address.port)")
        #expect(mapped.family == .ipv6)
        let response = try await resolver.query(try Name("mapped.example.", origin: .root), .a, server: mapped, recursionDesired: false)
        #expect(addresses(response) == [good])
        #expect(server.queries.withLock { $0.count } == 2, "UDP (truncated), then TCP")
    }

    @Test func wrongIDIsIgnored() async throws {
        let server = try FakeDNSServer { query, _ in
            var wrong = answer(query, [6, 6, 6, 6])
            wrong.header.id = query.header.id &+ 1
            return [.answer(wrong), .answer(answer(query, good))]
        }
        defer { server.stop() }
        let response = try await resolver.query(try Name("example.test", origin: .root), .a, server: server.address, recursionDesired: true)
        #expect(addresses(response) == [good])
    }

    @Test func wrongQuestionIsIgnored() async throws {
        let server = try FakeDNSServer { query, _ in
            var wrong = answer(query, [6, 6, 6, 6])
            wrong.questions = [Question(name: (try? Name("other.test", origin: .root)) ?? .root, type: .a)]
            return [.answer(wrong), .answer(answer(query, good))]
        }
        defer { server.stop() }
        let response = try await resolver.query(try Name("example.test", origin: .root), .a, server: server.address, recursionDesired: false)
        #expect(addresses(response) == [good])
    }

    @Test func answerFromAnotherPortIsIgnored() async throws {
        let server = try FakeDNSServer { query, _ in [.fromOtherPort(answer(query, [6, 6, 6, 6])), .answer(answer(query, good))] }
        defer { server.stop() }
        let response = try await resolver.query(try Name("example.test", origin: .root), .a, server: server.address, recursionDesired: true)
        #expect(addresses(response) == [good])

        let spoofOnly = try FakeDNSServer { query, _ in [.fromOtherPort(answer(query, [6, 6, 6, 6]))] }
        defer { spoofOnly.stop() }
        await #expect(throws: LookupFailure.timeout) {
            try await resolver.query(try Name("example.test", origin: .root), .a, server: spoofOnly.address, recursionDesired: true)
        }
    }

    @Test func timeoutAfterRetries() async throws {
        let server = try FakeDNSServer { _, _ in [] }
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: LookupFailure.timeout) {
            try await resolver.query(try Name("example.test", origin: .root), .a, server: server.address, recursionDesired: true)
        }
        let elapsed = clock.now - start
        // The lower bound is the two timeouts; the upper bound only catches a hang: the resumed task may wait for a
        // thread of the cooperative pool, which the integration suites keep busy while the whole suite runs (32 s
        // was seen on a loaded 2-core machine).
        #expect(elapsed >= .milliseconds(380) && elapsed < .seconds(90))
        let ids = server.queries.withLock { $0.map(\.header.id) }
        #expect(ids.count == 2)
    }

    @Test func truncatedAnswerRetriesOverTCP() async throws {
        let server = try FakeDNSServer { query, overTCP in
            guard overTCP else { return [.answer(reply(to: query, truncated: true))] }
            let records = (0 ..< 40).compactMap { try? txt("big.example.test", "record \($0) " + String(repeating: "x", count: 100)) }
            return [.answer(reply(to: query, answers: records))]
        }
        defer { server.stop() }
        let response = try await resolver.query(try Name("big.example.test", origin: .root), .txt, server: server.address, recursionDesired: true)
        #expect(response.answers.count == 40)
        #expect(!response.header.isTruncated)
    }

    @Test func servfailAndRefused() async throws {
        let servfail = try FakeDNSServer { query, _ in [.answer(reply(to: query, rcode: .servFail))] }
        defer { servfail.stop() }
        await #expect(throws: LookupFailure.servfail) {
            try await resolver.query(try Name("example.test", origin: .root), .a, server: servfail.address, recursionDesired: true)
        }
        let refused = try FakeDNSServer { query, _ in [.answer(reply(to: query, rcode: .refused))] }
        defer { refused.stop() }
        await #expect(throws: LookupFailure.refused) {
            try await resolver.query(try Name("example.test", origin: .root), .a, server: refused.address, recursionDesired: true)
        }
        let nxdomain = try FakeDNSServer { query, _ in [.answer(reply(to: query, rcode: .nxDomain))] }
        defer { nxdomain.stop() }
        let response = try await resolver.query(try Name("example.test", origin: .root), .a, server: nxdomain.address, recursionDesired: true)
        #expect(response.rcode == .nxDomain)
    }
}
