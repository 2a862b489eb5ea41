// The CPU cost of the query pipeline's steps, measured in process without sockets (`scripts/bench-pipeline`):
// every query of a dnsperf query file answered by `QueryPipeline` with response rate limiting off and on (a rate
// no run reaches, so every query pays for the step and none is limited), in alternating rounds, CPU time of this
// thread only. Without the socket calls a query costs less than in the server, so the relative cost found here is
// an upper bound of the cost in `scripts/bench`.
//
//   pipeline-bench ZONES_DIR QUERY_FILE [ROUNDS] [PASSES] [RRL_TABLE_SIZE]
//
// With PIPELINE_BENCH_METRICS set, both pipelines count every query as `--metrics-listen` makes the server do
// (compare two runs under callgrind for the cost of the counters).
import AuthEngine
import DNSWire
import Glibc
import ZoneFile

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: pipeline-bench ZONES_DIR QUERY_FILE [ROUNDS] [PASSES] [RRL_TABLE_SIZE]")
    exit(2)
}
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let passes = arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5

let loaded = ZoneFolder.load(directory: arguments[1])
// One table of every zone, as the server's start builds it (`ZoneSet.insert(contentsOf:)`).
let zones = ZoneSet(loaded.zones.compactMap { try? Zone(origin: $0.origin, records: $0.records) })
let store = ZoneStore(zones)

let types: [String: RecordType] = ["A": .a, "MX": .mx, "TXT": .txt, "SOA": .soa, "NS": .ns, "AAAA": .aaaa]
guard let text = try? String(contentsOfFile: arguments[2], encoding: .utf8) else {
    print("cannot read \(arguments[2])")
    exit(1)
}
var queries: [[UInt8]] = []
for (index, line) in text.split(separator: "\n").enumerated() {
    let fields = line.split(separator: " ")
    guard fields.count == 2, let name = try? Name(String(fields[0])), let type = types[String(fields[1])] else { continue }
    var header = Header(id: UInt16(truncatingIfNeeded: index), questionCount: 1)
    header.recursionDesired = false
    queries.append(Message(header: header, questions: [Question(name: name, type: type)], edns: EDNS()).encoded())
}
print("\(zones.count) zones, \(queries.count) queries, \(rounds) rounds of \(passes) passes per setting")

/// `value` with `digits` decimals (no Foundation here).
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = Double([1, 10, 100, 1000][digits])
    let scaled = Int((value * scale).rounded())
    let fraction = String(scaled % Int(scale))
    return "\(scaled / Int(scale))." + String(repeating: "0", count: digits - fraction.count) + fraction
}

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Nanoseconds of CPU per query over `passes` passes, and how many were sent.
@MainActor func measure(_ pipeline: QueryPipeline) -> (Double, Int) {
    var state = pipeline.makeThreadState()
    var writer = MessageWriter(limit: 65507, capacity: 4096)
    var continuation: (any MessageStream)?
    var sent = 0
    let clients = (0 ..< 64).map { ClientAddress(high: 0, low: 0xC000_0200 | UInt64($0) << 8, isIPv4: true) }
    let start = threadCPUNanoseconds()
    for _ in 0 ..< passes {
        for (index, query) in queries.enumerated() {
            writer.reset(limit: 65507)
            let answered = query.withUnsafeBytes {
                pipeline.respond(to: $0, over: .udp, client: clients[index & 63], peer: nil, into: &writer,
                                 state: &state, continuation: &continuation)
            }
            if answered { sent += 1 }
        }
    }
    return (Double(threadCPUNanoseconds() - start) / Double(passes * queries.count), sent)
}

let responder = Responder(store: store)
let statistics = getenv("PIPELINE_BENCH_METRICS") != nil ? QueryStatistics() : nil
let off = QueryPipeline(responder: responder, rateLimit: .off, cookies: CookieSettings(), udpThreads: 1,
                        statistics: statistics)
let on = QueryPipeline(responder: responder, rateLimit: RateLimitSettings(rate: 1_000_000_000, tableSize: arguments.count > 5 ? Int(arguments[5]) ?? 65536 : 65536), cookies: CookieSettings(),
                       udpThreads: 1, statistics: statistics)
_ = measure(off)
var offTimes: [Double] = [], onTimes: [Double] = []
for round in 1 ... rounds {
    let (a, sentOff) = measure(off)
    let (b, sentOn) = measure(on)
    offTimes.append(a)
    onTimes.append(b)
    print("round \(round): RRL off \(fixed(a, 1)) ns/query (\(sentOff) sent), RRL on \(fixed(b, 1)) ns/query (\(sentOn) sent), on/off \(fixed(b / a, 3))")
}
let medianOff = offTimes.sorted()[rounds / 2], medianOn = onTimes.sorted()[rounds / 2]
print("median: RRL off \(fixed(medianOff, 1)) ns/query, RRL on \(fixed(medianOn, 1)) ns/query, on/off \(fixed(medianOn / medianOff, 3))")
