@testable import AuthEngine
import DNSWire
import Synchronization
import Testing
import ZoneFile

/// Counts the calls of a watch's callback.
final class Calls: Sendable {
    let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func call() { count.add(1, ordering: .relaxed) }
}

/// Issue 11: a pending domain's zone asks for a check on the first outside query, once per interval.
@Suite("Query watches")
struct QueryWatchTests {
    @Test("a watch calls back on the first query, then after the interval, the wait doubling up to its maximum; inactive, never")
    func oncePerInterval() {
        let calls = Calls()
        let watch = QueryWatch(interval: 1000, maximum: 4000, onQuery: calls.call)
        watch.noticed(now: 5000)
        #expect(calls.value == 1)
        for now in stride(from: UInt64(5000), to: 6000, by: 7) { watch.noticed(now: now) }
        #expect(calls.value == 1, "a flood within the interval asks once")
        watch.noticed(now: 6000)
        #expect(calls.value == 2)
        watch.noticed(now: 7999)
        #expect(calls.value == 2, "then 2 s")
        watch.noticed(now: 8000)
        #expect(calls.value == 3)
        watch.noticed(now: 11_999)
        #expect(calls.value == 3, "then 4 s")
        watch.noticed(now: 12_000)
        watch.noticed(now: 15_999)
        #expect(calls.value == 4, "4 s at most")
        watch.noticed(now: 16_000)
        #expect(calls.value == 5)
        watch.setActive(false)
        watch.noticed(now: 60_000)
        #expect(calls.value == 5 && !watch.isActive)
        watch.setActive(true)
        watch.noticed(now: 60_000)
        #expect(calls.value == 6)
        watch.noticed(now: 61_000)
        #expect(calls.value == 7, "resuming starts the wait again from the interval")
    }

    @Test("threads racing on one watch call it back once per interval")
    func concurrent() async {
        let calls = Calls()
        let watch = QueryWatch(interval: 1_000_000, onQuery: calls.call)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 8 {
                group.addTask { for now in UInt64(100) ..< 10_100 { watch.noticed(now: now) } }
            }
        }
        #expect(calls.value == 1)
    }

    static let ownCookie: UInt64 = 0x0102_0304_0506_0708

    /// A store with example.com. watched (interval one hour) and childZone unwatched.
    static func watchedStore(_ calls: Calls) throws -> ZoneStore {
        let watch = QueryWatch(interval: 3_600_000, onQuery: calls.call)
        var set = ZoneSet()
        for (origin, text, watched) in [("example.com.", exampleZone, true), ("child.example.com.", childZone, false)] {
            let parsed = try ZoneFileParser.parse(text: text, origin: try Name(origin), file: origin, includeRoot: nil).get()
            set = set.inserting(try Zone(origin: parsed.origin, records: parsed.records, watch: watched ? watch : nil))
        }
        return ZoneStore(set)
    }

    static func send(_ pipeline: QueryPipeline, _ name: String, cookie: UInt64?, state: inout QueryPipeline.ThreadState) throws {
        let options = cookie.map { value in
            [EDNS.Option(code: 10, data: (0 ..< 8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) })]
        } ?? []
        let bytes = try queryBytes(name, .mx, edns: EDNS(options: options))
        var writer = MessageWriter(limit: 65535)
        let sent = bytes.withUnsafeBytes {
            pipeline.respond(to: $0, over: .udp, client: ClientAddress(octets: [192, 0, 2, 7]), into: &writer, state: &state)
        }
        #expect(sent)
    }

    @Test("the pipeline: queries with our verifier's cookie and queries for other zones never trip it; an outside one does, once",
          arguments: [CookieSettings.off, CookieSettings(secret: Array(repeating: 7, count: 16), rotationSeconds: 3600)])
    func pipeline(cookies: CookieSettings) throws {
        let calls = Calls()
        let pipeline = QueryPipeline(responder: Responder(store: try Self.watchedStore(calls)), cookies: cookies,
                                     ownClientCookie: Self.ownCookie)
        var state = pipeline.makeThreadState()
        for _ in 0 ..< 5 { try Self.send(pipeline, "example.com.", cookie: Self.ownCookie, state: &state) }
        try Self.send(pipeline, "www.child.example.com.", cookie: nil, state: &state)
        #expect(calls.value == 0)
        try Self.send(pipeline, "nothing.example.com.", cookie: 42, state: &state)
        #expect(calls.value == 1, "an NXDOMAIN answer from the zone counts too")
        for _ in 0 ..< 50 { try Self.send(pipeline, "example.com.", cookie: nil, state: &state) }
        #expect(calls.value == 1, "one check per interval, however many queries")
        #expect(state.reader.watched == nil, "the pipeline keeps no reference once it took the watch")
    }
}
