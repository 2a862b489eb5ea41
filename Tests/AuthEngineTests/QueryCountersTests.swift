@testable import AuthEngine
import DNSWire
import Testing

/// Issue 12: the per-thread counters of the query pipeline, summed by `QueryStatistics`.
@Suite("Query counters")
struct QueryCountersTests {
    static func value(_ pairs: [(String, UInt64)], _ label: String) -> UInt64 { pairs.first { $0.0 == label }?.1 ?? 0 }

    @Test("each message counts once by transport, QTYPE and RCODE; cookies, drops and rate limiting by what happened")
    func counts() throws {
        let statistics = QueryStatistics()
        let store = try makeStore([("example.com.", exampleZone)])
        let pipeline = QueryPipeline(responder: Responder(store: store), rateLimit: RateLimitSettings(rate: 2),
                                     cookies: CookieSettings(secret: Array(repeating: 7, count: 16), rotationSeconds: 3600),
                                     statistics: statistics)
        var state = pipeline.makeThreadState()
        let client = CookiePipelineTests.client
        // A client cookie, then the server cookie it got back (valid: never rate limited).
        let first = try #require(CookiePipelineTests.cookie(of: try CookiePipelineTests.respond(
            pipeline, CookiePipelineTests.query(cookie: Array(1 ... 8)), state: &state)))
        for _ in 0 ..< 3 { _ = try CookiePipelineTests.respond(pipeline, CookiePipelineTests.query(cookie: first), state: &state) }
        // A malformed cookie: FORMERR.
        #expect(try CookiePipelineTests.respond(pipeline, CookiePipelineTests.query(cookie: [1, 2, 3]), state: &state)?.rcode == .formErr)
        // Five octets: dropped without an answer.
        #expect(try CookiePipelineTests.respond(pipeline, [1, 2, 3, 4, 5], state: &state) == nil)
        // 40 queries without a cookie from one client at a rate of 2/s: most are dropped or slipped.
        var unanswered = 0, slipped = 0
        for _ in 0 ..< 40 {
            let response = try CookiePipelineTests.respond(pipeline, try queryBytes("example.com.", .mx), state: &state,
                                                           client: client)
            if let response { if response.header.isTruncated { slipped += 1 } } else { unanswered += 1 }
        }
        #expect(unanswered > 0 && slipped > 0)

        // A second thread's block adds to the same totals.
        var other = pipeline.makeThreadState()
        _ = try CookiePipelineTests.respond(pipeline, try queryBytes("nothing.example.com.", .txt), state: &other, client: nil)

        let totals = statistics.totals()
        #expect(Self.value(totals.byTransport, "udp") == 1 + 3 + 1 + 1 + 40 + 1)
        #expect(Self.value(totals.byQuestionType, "A") == 5, "the cookie queries ask for mail.example.com A")
        #expect(Self.value(totals.byQuestionType, "MX") == 40)
        #expect(Self.value(totals.byQuestionType, "TXT") == 1)
        #expect(Self.value(totals.byRcode, "FORMERR") == 1)
        #expect(Self.value(totals.byRcode, "NXDOMAIN") == 1)
        #expect(Self.value(totals.byRcode, "NOERROR") == UInt64(4 + 40 - unanswered))
        #expect(Self.value(totals.cookies, "client_only") == 1)
        #expect(Self.value(totals.cookies, "valid") == 3)
        #expect(Self.value(totals.cookies, "malformed") == 1)
        #expect(Self.value(totals.rateLimited, "drop") == UInt64(unanswered))
        #expect(Self.value(totals.rateLimited, "slip") == UInt64(slipped))
        #expect(totals.truncated == UInt64(slipped))
        #expect(totals.dropped == UInt64(unanswered) + 1)
    }

    @Test("without statistics the pipeline counts nothing and makes no block")
    func off() throws {
        let pipeline = QueryPipeline(responder: Responder(store: try makeStore([("example.com.", exampleZone)])))
        let state = pipeline.makeThreadState()
        #expect(state.counters == nil)
    }
}
