import AuthEngine
import DNSWire
import Testing

/// Response rate limiting (NSD's and Knot's RRL): token buckets per network and response class.
@Suite("Response rate limiting")
struct RateLimiterTests {
    static let dkim = ResponseClass(kind: .answer, nameHash: 1)
    static let mx = ResponseClass(kind: .answer, nameHash: 2)

    static func address(_ text: String) -> ClientAddress {
        ClientAddress(octets: IPAddressText.parse(text, family: text.contains(":") ? .ipv6 : .ipv4)!)!
    }

    /// Decides `count` responses at time `now` and counts each decision.
    static func run(_ limiter: ResponseRateLimiter, _ count: Int, client: String, _ responseClass: ResponseClass = dkim,
                    now: UInt64 = 1000) -> [RateDecision: Int] {
        var tally: [RateDecision: Int] = [:]
        for _ in 0 ..< count {
            tally[limiter.decide(client: address(client), responseClass: responseClass, now: now, report: { _ in }),
                  default: 0] += 1
        }
        return tally
    }

    @Test("over the rate, responses are dropped and every second one is sent truncated")
    func overTheRate() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10), threads: 1, seed: 7)
        #expect(Self.run(limiter, 10, client: "192.0.2.1") == [.send: 10])
        #expect(Self.run(limiter, 100, client: "192.0.2.1") == [.drop: 50, .slip: 50])
    }

    @Test("slip 0 drops every limited response, slip 1 truncates every one, slip 3 one in three")
    func slipSettings() {
        for (slip, expected) in [(0, [RateDecision.drop: 30]), (1, [.slip: 30]), (3, [.drop: 20, .slip: 10])] {
            let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 5, slip: slip), threads: 1, seed: 1)
            _ = Self.run(limiter, 5, client: "192.0.2.1")
            #expect(Self.run(limiter, 30, client: "192.0.2.1") == expected, "slip \(slip)")
        }
    }

    @Test("the bucket refills at the rate and holds one second's worth at most")
    func refill() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10), threads: 1, seed: 3)
        _ = Self.run(limiter, 50, client: "192.0.2.1", now: 1000)
        #expect(Self.run(limiter, 20, client: "192.0.2.1", now: 1500)[.send] == 5)
        #expect(Self.run(limiter, 20, client: "192.0.2.1", now: 60_000)[.send] == 10)
    }

    @Test("a network is the /24 or /56: its addresses share buckets, other networks have their own")
    func networks() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10), threads: 1, seed: 5)
        _ = Self.run(limiter, 10, client: "192.0.2.1")
        #expect(Self.run(limiter, 1, client: "192.0.2.200")[.send] == nil)
        #expect(Self.run(limiter, 10, client: "192.0.3.1") == [.send: 10])
        _ = Self.run(limiter, 10, client: "2001:db8:0:1::1")
        #expect(Self.run(limiter, 1, client: "2001:db8:0:ff::2")[.send] == nil)
        #expect(Self.run(limiter, 10, client: "2001:db8:0:100::1") == [.send: 10])
    }

    @Test("the prefix lengths are settings")
    func prefixLengths() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10, ipv4PrefixLength: 32), threads: 1, seed: 5)
        _ = Self.run(limiter, 10, client: "192.0.2.1")
        #expect(Self.run(limiter, 10, client: "192.0.2.2") == [.send: 10])
    }

    @Test("each response class has its own bucket: other names, a zone's negative answers, errors")
    func classes() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10), threads: 1, seed: 9)
        _ = Self.run(limiter, 10, client: "192.0.2.1", Self.dkim)
        #expect(Self.run(limiter, 10, client: "192.0.2.1", Self.mx) == [.send: 10])
        #expect(Self.run(limiter, 10, client: "192.0.2.1", ResponseClass(kind: .nameError, nameHash: 1)) == [.send: 10])
        #expect(Self.run(limiter, 10, client: "192.0.2.1", .error) == [.send: 10])
        #expect(Self.run(limiter, 1, client: "192.0.2.1", .error)[.send] == nil)
    }

    @Test("exempt networks and validly signed requests are never limited")
    func exemptions() throws {
        let exempt = try #require(AddressPrefix("198.51.100.0/24"))
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10, exempt: [exempt, try #require(AddressPrefix("2001:db8::1"))]),
                                          threads: 1, seed: 2)
        #expect(Self.run(limiter, 1000, client: "198.51.100.77") == [.send: 1000])
        #expect(Self.run(limiter, 1000, client: "2001:db8::1") == [.send: 1000])
        #expect(Self.run(limiter, 1000, client: "192.0.2.1", .authenticated) == [.send: 1000])
        #expect(Self.run(limiter, 1000, client: "2001:db8::2")[.send] == 10)
    }

    @Test("threads share the rate: each of 4 threads gets a quarter")
    func threadShare() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 100), threads: 4, seed: 4)
        #expect(Self.run(limiter, 100, client: "192.0.2.1")[.send] == 25)
    }

    @Test("limiting is reported at most once per interval per network, with the counts since the last report")
    func reports() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 1, logIntervalMilliseconds: 10_000),
                                          threads: 1, seed: 8)
        var events: [RateLimitEvent] = []
        var limited = 0
        for now in stride(from: UInt64(1000), to: 25_000, by: 10) {
            let decision = limiter.decide(client: Self.address("192.0.2.9"), responseClass: Self.dkim, now: now) {
                events.append($0)
            }
            if decision != .send { limited += 1 }
        }
        #expect(events.count == 3)
        #expect(events.first?.network == Self.address("192.0.2.0"))
        #expect(events.first?.prefixLength == 24)
        #expect(events.first.map { $0.dropped + $0.slipped } == 1)
        // 10 s at 100 queries a second and 1 answer a second: about 990 limited between two reports.
        #expect(events.dropFirst().allSatisfy { $0.dropped + $0.slipped > 900 })
        #expect(limited > 2000)
        #expect(events.map { $0.dropped + $0.slipped }.reduce(0, +) <= limited, "reports count only what was limited")
    }

    @Test("a limited name keeps its bucket while its network asks a thousand other names")
    func limitedBucketStays() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10), threads: 1, seed: 11)
        _ = Self.run(limiter, 10, client: "192.0.2.1", Self.dkim)
        for index in 0 ..< 1000 {
            _ = Self.run(limiter, 1, client: "192.0.2.1", ResponseClass(kind: .answer, nameHash: UInt64(100 + index)))
            #expect(Self.run(limiter, 1, client: "192.0.2.1", Self.dkim)[.send] == nil, "sent after \(index) other names")
        }
    }

    @Test("memory is fixed: a million networks do not grow the table, and a busy one is still limited")
    func boundedTable() {
        let limiter = ResponseRateLimiter(settings: RateLimitSettings(rate: 10, tableSize: 1024), threads: 1, seed: 6)
        #expect(limiter.settings.tableSize == 1024)
        for index in 0 ..< 1_000_000 {
            let client = ClientAddress(high: 0, low: UInt64(index) << 8, isIPv4: true)
            _ = limiter.decide(client: client, responseClass: Self.dkim, now: 1000, report: { _ in })
        }
        _ = Self.run(limiter, 10, client: "192.0.2.1")
        #expect(Self.run(limiter, 10, client: "192.0.2.1")[.send] == nil)
    }

    @Test("addresses and prefixes parse and match", arguments: [
        ("192.0.2.0/24", "192.0.2.255", true), ("192.0.2.0/24", "192.0.3.0", false), ("10.0.0.1", "10.0.0.1", true),
        ("10.0.0.1", "10.0.0.2", false), ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::", false),
        ("::ffff:192.0.2.0/120", "192.0.2.4", true), ("0.0.0.0/0", "203.0.113.1", true), ("0.0.0.0/0", "::1", false),
    ])
    func prefixes(prefix: String, address: String, inside: Bool) throws {
        #expect(try #require(AddressPrefix(prefix)).contains(Self.address(address)) == inside)
    }

    @Test("bad prefixes are rejected", arguments: ["192.0.2.0/33", "192.0.2/24", "2001:db8::/129", "x", "192.0.2.0/", "192.0.2.0/+4"])
    func badPrefixes(text: String) {
        #expect(AddressPrefix(text) == nil)
    }
}

/// Rate limiting as a step of the query pipeline: UDP only, after the answer.
@Suite("Query pipeline: response rate limiting")
struct PipelineRateLimitTests {
    let pipeline: QueryPipeline

    init() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        pipeline = QueryPipeline(responder: Responder(store: store), rateLimit: RateLimitSettings(rate: 5),
                                 udpThreads: 1)
    }

    /// Sends `query` `count` times from `client` and returns the parsed responses (nil for a dropped one).
    func send(_ query: [UInt8], _ count: Int, over transport: Transport = .udp,
              client: ClientAddress? = RateLimiterTests.address("192.0.2.1")) throws -> [Message?] {
        var state = pipeline.makeThreadState()
        var writer = MessageWriter(limit: 65535)
        return try (0 ..< count).map { _ in
            writer.reset(limit: 65535)
            let sent = query.withUnsafeBytes {
                pipeline.respond(to: $0, over: transport, client: client, into: &writer, state: &state)
            }
            return sent ? try Message(parsing: writer.bytes) : nil
        }
    }

    @Test("over UDP: the rate's answers, then every second response empty with TC=1, the question and OPT")
    func udpLimited() throws {
        let query = try queryBytes("mail.example.com.", .a, edns: EDNS())
        let responses = try send(query, 25)
        #expect(responses.prefix(5).allSatisfy { $0?.answers.count == 1 && $0?.header.isTruncated == false })
        let limited = responses.dropFirst(5)
        #expect(limited.filter { $0 == nil }.count == 10)
        let slipped = limited.compactMap { $0 }
        #expect(slipped.count == 10)
        for message in slipped {
            #expect(message.header.isTruncated)
            #expect(message.answers.isEmpty && message.authority.isEmpty && message.additional.isEmpty)
            #expect(message.questions == [Question(name: try Name("mail.example.com."), type: .a)])
            #expect(message.edns != nil)
            #expect(message.header.id == 0x1234)
        }
    }

    @Test("TCP, and a client whose address is unknown, are never limited")
    func tcpNeverLimited() throws {
        let query = try queryBytes("mail.example.com.", .a)
        #expect(try send(query, 100, over: .tcp).allSatisfy { $0?.answers.count == 1 })
        #expect(try send(query, 100, client: nil).allSatisfy { $0?.answers.count == 1 })
    }

    @Test("NXDOMAIN for random names of one zone share one bucket")
    func negativePerZone() throws {
        var state = pipeline.makeThreadState()
        var writer = MessageWriter(limit: 65535)
        var answered = 0
        for index in 0 ..< 40 {
            let query = try queryBytes("random\(index).example.com.", .txt)
            writer.reset(limit: 65535)
            let sent = query.withUnsafeBytes {
                pipeline.respond(to: $0, over: .udp, client: RateLimiterTests.address("192.0.2.1"), into: &writer, state: &state)
            }
            if sent, try Message(parsing: writer.bytes).rcode == .nxDomain { answered += 1 }
        }
        #expect(answered == 5)
    }

    @Test("with rate limiting off every answer is sent")
    func off() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let open = QueryPipeline(responder: Responder(store: store), rateLimit: .off)
        var state = open.makeThreadState()
        var writer = MessageWriter(limit: 65535)
        let query = try queryBytes("mail.example.com.", .a)
        for _ in 0 ..< 500 {
            writer.reset(limit: 65535)
            let sent = query.withUnsafeBytes {
                open.respond(to: $0, over: .udp, client: RateLimiterTests.address("192.0.2.1"), into: &writer, state: &state)
            }
            #expect(sent)
        }
    }
}

@Suite("Rate limiting log: once per network per interval across threads")
struct RateLimitLogTests {
    static func event(_ network: String, dropped: Int, slipped: Int) -> RateLimitEvent {
        RateLimitEvent(network: RateLimiterTests.address(network), prefixLength: 24, responseClass: .answer,
                       dropped: dropped, slipped: slipped)
    }

    @Test("a second thread's event within the interval is held and carried into the next line, with totals")
    func merges() {
        let log = RateLimitLog(intervalMilliseconds: 10_000)
        let first = log.add(Self.event("192.0.2.0", dropped: 1, slipped: 0), now: 1000)
        #expect(first?.event.dropped == 1)
        #expect(log.add(Self.event("192.0.2.0", dropped: 5, slipped: 5), now: 2000) == nil)
        #expect(log.add(Self.event("198.51.100.0", dropped: 2, slipped: 2), now: 2000)?.event.dropped == 2)
        let later = log.add(Self.event("192.0.2.0", dropped: 10, slipped: 10), now: 11_000)
        #expect(later?.event.dropped == 15 && later?.event.slipped == 15)
        #expect(later?.totalDropped == 18 && later?.totalSlipped == 17)
    }
}
