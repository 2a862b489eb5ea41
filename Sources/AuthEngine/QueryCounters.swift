import DNSWire
import Synchronization

/// The counters of one DNS worker thread. Only its thread writes them, with a plain load and store (no locked
/// instruction, no cache line shared with another thread: each thread has its own block); the metrics scrape
/// reads every block and sums them (`QueryStatistics.totals()`).
public final class QueryCounters: Sendable {
    private let slots: InlineArray<64, Atomic<UInt64>>

    init() { slots = InlineArray { _ in Atomic<UInt64>(0) } }

    @inline(__always) func add(_ slot: Int) {
        slots[slot].store(slots[slot].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    func value(_ slot: Int) -> UInt64 { slots[slot].load(ordering: .relaxed) }

    /// Counts one message and what became of it: `questionType` when it parsed, `sent` false when it was dropped,
    /// else the response's RCODE and TC bit as written in `response`.
    @inline(__always)
    func count(_ transport: Transport, questionType: RecordType?, sent: Bool, response: borrowing MessageWriter) {
        add(transport == .udp ? QuerySlot.udp : QuerySlot.tcp)
        if let questionType { add(QuerySlot.questionType(questionType)) }
        guard sent, response.count >= 4 else {
            add(QuerySlot.dropped)
            return
        }
        let flags = response.octet(at: 3)
        add(QuerySlot.rcode(flags & 0x0F))
        if response.octet(at: 2) & 0x02 != 0 { add(QuerySlot.truncated) }
        if questionType == .axfr || questionType == .ixfr {
            add(QuerySlot.transfer(questionType == .axfr, rcode: flags & 0x0F))
        }
    }
}

/// Where each counter sits in a `QueryCounters` block.
enum QuerySlot {
    static let udp = 0, tcp = 1
    static let dropped = 2, truncated = 3
    static let rrlDropped = 4, rrlSlipped = 5
    static let cookieValid = 6, cookieClientOnly = 7, cookieMalformed = 8
    /// QTYPEs counted by name; the rest count as "other".
    static let questionTypes: [(code: UInt16, name: String)] = [
        (1, "A"), (28, "AAAA"), (15, "MX"), (16, "TXT"), (2, "NS"), (6, "SOA"), (5, "CNAME"), (12, "PTR"), (33, "SRV"),
        (257, "CAA"), (43, "DS"), (48, "DNSKEY"), (65, "HTTPS"), (64, "SVCB"), (252, "AXFR"), (251, "IXFR"), (255, "ANY"),
    ]
    static let firstQuestionType = 10
    static let otherQuestionType = firstQuestionType + questionTypes.count
    /// RCODEs counted by name (NOERROR ... REFUSED, NOTAUTH); the rest count as "other".
    static let rcodes: [(code: UInt8, name: String)] = [(0, "NOERROR"), (1, "FORMERR"), (2, "SERVFAIL"), (3, "NXDOMAIN"),
                                                        (4, "NOTIMP"), (5, "REFUSED"), (9, "NOTAUTH")]
    static let firstRcode = otherQuestionType + 1
    static let otherRcode = firstRcode + rcodes.count
    /// AXFR then IXFR, each: served (NOERROR), refused, other.
    static let firstTransfer = otherRcode + 1
    static let slotCount = firstTransfer + 6

    @inline(__always) static func questionType(_ type: RecordType) -> Int {
        switch type.rawValue {
        case 1: firstQuestionType
        case 28: firstQuestionType + 1
        case 15: firstQuestionType + 2
        case 16: firstQuestionType + 3
        case 2: firstQuestionType + 4
        case 6: firstQuestionType + 5
        case 5: firstQuestionType + 6
        case 12: firstQuestionType + 7
        case 33: firstQuestionType + 8
        case 257: firstQuestionType + 9
        case 43: firstQuestionType + 10
        case 48: firstQuestionType + 11
        case 65: firstQuestionType + 12
        case 64: firstQuestionType + 13
        case 252: firstQuestionType + 14
        case 251: firstQuestionType + 15
        case 255: firstQuestionType + 16
        default: otherQuestionType
        }
    }

    @inline(__always) static func rcode(_ code: UInt8) -> Int {
        switch code {
        case 0 ... 5: firstRcode + Int(code)
        case 9: firstRcode + 6
        default: otherRcode
        }
    }

    @inline(__always) static func transfer(_ isAXFR: Bool, rcode: UInt8) -> Int {
        firstTransfer + (isAXFR ? 0 : 3) + (rcode == 0 ? 0 : rcode == 5 ? 1 : 2)
    }
}

/// The DNS counters of the whole server: one `QueryCounters` block per worker thread, summed when read.
public final class QueryStatistics: Sendable {
    private let blocks = Mutex<[QueryCounters]>([])

    public init() {
        precondition(QuerySlot.slotCount <= 64, "QueryCounters has 64 slots")
    }

    /// A new block for one thread (the pipeline makes one per thread state).
    func makeCounters() -> QueryCounters {
        let counters = QueryCounters()
        blocks.withLock { $0.append(counters) }
        return counters
    }

    /// The sums over every thread, by metric and label.
    public func totals() -> QueryTotals {
        let blocks = blocks.withLock { $0 }
        func sum(_ slot: Int) -> UInt64 { blocks.reduce(0) { $0 &+ $1.value(slot) } }
        var questionTypes = QuerySlot.questionTypes.enumerated().map { ($0.element.name, sum(QuerySlot.firstQuestionType + $0.offset)) }
        questionTypes.append(("other", sum(QuerySlot.otherQuestionType)))
        var rcodes = QuerySlot.rcodes.enumerated().map { ($0.element.name, sum(QuerySlot.firstRcode + $0.offset)) }
        rcodes.append(("other", sum(QuerySlot.otherRcode)))
        let results = ["served", "refused", "other"]
        let transfers = ["AXFR", "IXFR"].enumerated().flatMap { type in
            results.enumerated().map { result in
                (type.element, result.element, sum(QuerySlot.firstTransfer + type.offset * 3 + result.offset))
            }
        }
        return QueryTotals(
            byTransport: [("udp", sum(QuerySlot.udp)), ("tcp", sum(QuerySlot.tcp))],
            byQuestionType: questionTypes, byRcode: rcodes,
            truncated: sum(QuerySlot.truncated), dropped: sum(QuerySlot.dropped),
            rateLimited: [("drop", sum(QuerySlot.rrlDropped)), ("slip", sum(QuerySlot.rrlSlipped))],
            cookies: [("valid", sum(QuerySlot.cookieValid)), ("client_only", sum(QuerySlot.cookieClientOnly)),
                      ("malformed", sum(QuerySlot.cookieMalformed))],
            transfers: transfers)
    }
}

/// The DNS counters summed over every thread, each with its label value.
public struct QueryTotals: Sendable {
    /// Messages received, by transport ("udp", "tcp").
    public let byTransport: [(String, UInt64)]
    /// Parsed queries by QTYPE (a fixed set, then "other").
    public let byQuestionType: [(String, UInt64)]
    /// Responses sent by RCODE (a fixed set, then "other").
    public let byRcode: [(String, UInt64)]
    /// Responses sent with TC set.
    public let truncated: UInt64
    /// Messages that got no answer (unreadable, a response, rate limited to nothing).
    public let dropped: UInt64
    /// Response rate limiting's actions ("drop", "slip").
    public let rateLimited: [(String, UInt64)]
    /// Queries with a COOKIE option by what it was ("valid" server cookie, "client_only", "malformed").
    public let cookies: [(String, UInt64)]
    /// Zone transfer requests by type ("AXFR", "IXFR") and result ("served", "refused", "other").
    public let transfers: [(String, String, UInt64)]
}
