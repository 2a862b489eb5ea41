import DNSWire
import Glibc
import Platform

/// The steps every DNS message goes through, in this order (the NLnet Labs `domain` crate's middleware chain is
/// the model; each step can end the message's way through):
/// 1. the header: a response (QR set) or fewer than 12 octets is dropped (`Responder`);
/// 2. the parse: FORMERR, or NOTIMP for an unknown opcode (`Responder`);
/// 3. DNS Cookies (RFC 7873, RFC 9018): a malformed COOKIE option gets FORMERR; a client cookie gets a
///    server cookie in the response; a valid server cookie proves the client's address (`ServerCookies`, one per
///    thread). Cookies are never required;
/// 4. TSIG (RFC 8945): a signed request is verified, rejected with NOTAUTH, and its answer signed
///    (`Responder.respondSigned`);
/// 5. the answer: the lookup in the published snapshot and the response with truncation (`Responder`,
///    `ResponseBuilder`), which also tells the response's class;
/// 6. response rate limiting, over UDP only: the response is sent, dropped, or replaced by an empty truncated
///    answer that keeps the cookie (`ResponseRateLimiter`, one per thread). TCP, exempt networks, validly signed
///    requests and queries with a valid server cookie (their source address is not spoofed) are never limited.
public struct QueryPipeline: Sendable {
    public let responder: Responder
    public let rateLimit: RateLimitSettings
    public let cookies: CookieSettings
    /// The UDP threads that share the rate (the workers of one listen address).
    public let udpThreads: Int
    /// Called on a DNS thread with the line to log when a network is being limited: at most once per network per
    /// log interval, across all threads (`RateLimitLog`).
    public let onRateLimit: @Sendable (RateLimitLog.Line) -> Void
    private let log: RateLimitLog
    private let seed: UInt64

    /// What one DNS thread keeps: its view of the published zones, its cookie secrets and its rate limiter (made
    /// at the thread's first UDP message, so the TCP thread never allocates a table).
    public struct ThreadState {
        public var reader: ZoneStore.Reader
        public var cookies: ServerCookies
        public fileprivate(set) var limiter: ResponseRateLimiter?
        /// This thread's counters, when the pipeline counts (`statistics`). Unretained: `statistics` keeps every
        /// block alive as long as the pipeline, and a retain and release per query is what it would cost otherwise.
        let counters: Unmanaged<QueryCounters>?
    }

    /// The client cookie WistDNS's own verifier sends: its queries never trip a zone's `QueryWatch`.
    let ownClientCookie: UInt64?
    /// Where each thread's counters are registered for the metrics; nil counts nothing.
    public let statistics: QueryStatistics?

    public init(responder: Responder, rateLimit: RateLimitSettings = .off, cookies: CookieSettings = .off,
                udpThreads: Int = 1, ownClientCookie: UInt64? = nil, statistics: QueryStatistics? = nil,
                onRateLimit: @escaping @Sendable (RateLimitLog.Line) -> Void = { _ in }) {
        self.ownClientCookie = ownClientCookie
        self.statistics = statistics
        self.responder = responder
        self.rateLimit = rateLimit
        self.cookies = cookies
        self.udpThreads = max(1, udpThreads)
        self.onRateLimit = onRateLimit
        log = RateLimitLog(intervalMilliseconds: rateLimit.logIntervalMilliseconds)
        seed = UInt64.random(in: .min ... .max)
    }

    /// The state of one thread; call it on that thread.
    public func makeThreadState() -> ThreadState {
        ThreadState(reader: responder.makeReader(), cookies: ServerCookies(settings: cookies), limiter: nil,
                    counters: statistics.map { Unmanaged.passUnretained($0.makeCounters()) })
    }

    /// Runs the steps for one message. `client` is where it came from (nil when unknown: never limited),
    /// `peer` the TCP client's octets for transfer permissions. Returns false when nothing is to be sent. A zone
    /// transfer leaves its first message in `response` and the rest in `continuation`.
    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                        peer: [UInt8]?, into response: inout MessageWriter, state: inout ThreadState,
                        continuation: inout (any MessageStream)?) -> Bool {
        guard let counters = state.counters else {
            var questionType: RecordType?
            return runSteps(query, transport, client, peer, &response, &state, &continuation, &questionType, nil)
        }
        var questionType: RecordType?
        let sent = runSteps(query, transport, client, peer, &response, &state, &continuation, &questionType, counters)
        counters._withUnsafeGuaranteedRef { $0.count(transport, questionType: questionType, sent: sent, response: response) }
        return sent
    }

    /// The steps; sets `questionType` once the message parsed, and counts cookie and rate-limiting actions.
    @inline(__always)
    private func runSteps(_ query: UnsafeRawBufferPointer, _ transport: Transport, _ client: ClientAddress?,
                          _ peer: [UInt8]?, _ response: inout MessageWriter, _ state: inout ThreadState,
                          _ continuation: inout (any MessageStream)?, _ questionType: inout RecordType?,
                          _ counters: Unmanaged<QueryCounters>?) -> Bool {
        let limited = transport == .udp && rateLimit.isEnabled && client != nil
        if limited && state.limiter == nil {
            state.limiter = ResponseRateLimiter(settings: rateLimit, threads: udpThreads, seed: seed)
        }
        // Only rate limiting needs the response's class.
        var responseClass: ResponseClass? = limited ? .error : nil
        switch responder.parse(query, over: transport, into: &response) {
        case .dropped:
            return false
        case .answered:
            // An unreadable message has no question to echo: a slip drops it.
            return limit(limited, client, responseClass, &state, counters) == .send
        case .parsed(var readable):
            questionType = readable.question.type
            let verdict = readable.cookie == nil ? .none
                : state.cookies.process(&readable, bytes: query, client: client, now: SystemClock.coarseWallSeconds())
            if let counters, verdict != .none {
                let slot = verdict == .valid ? QuerySlot.cookieValid
                    : verdict == .malformed ? QuerySlot.cookieMalformed : QuerySlot.cookieClientOnly
                counters._withUnsafeGuaranteedRef { $0.add(slot) }
            }
            switch verdict {
            case .malformed:
                responder.writeEmpty(.formErr, answering: readable, over: transport, into: &response)
            case .valid:
                responder.respond(readable, bytes: query, over: transport, from: peer, into: &response,
                                  reader: &state.reader, classifyingAs: &responseClass, continuation: &continuation)
                if responseClass != nil { responseClass = .authenticated }
            case .none, .clientOnly:
                responder.respond(readable, bytes: query, over: transport, from: peer, into: &response,
                                  reader: &state.reader, classifyingAs: &responseClass, continuation: &continuation)
            }
            if let watch = state.reader.watched {
                state.reader.watched = nil
                if !isOwn(readable.cookie) { watch.noticed(now: SystemClock.coarseMonotonicMilliseconds()) }
            }
            switch limit(limited, client, responseClass, &state, counters) {
            case .send:
                return true
            case .drop:
                return false
            case .slip:
                responder.writeSlip(answering: readable, into: &response)
                return true
            }
        }
    }

    /// The rate limiting step: `.send` when the message is not limited (`limited` false: TCP, RRL off or no
    /// address), else the limiter's decision, counted.
    @inline(__always)
    private func limit(_ limited: Bool, _ client: ClientAddress?, _ responseClass: ResponseClass?,
                       _ state: inout ThreadState, _ counters: Unmanaged<QueryCounters>?) -> RateDecision {
        guard limited, let limiter = state.limiter, let responseClass, let client else { return .send }
        let now = SystemClock.coarseMonotonicMilliseconds()
        // The closure holds the log and the callback, not `self`: capturing `self` copied the whole pipeline (a
        // reference counted for each of its fields) on every limited query.
        let log = log, onRateLimit = onRateLimit
        let decision = limiter.decide(client: client, responseClass: responseClass, now: now, report: { event in
            if let line = log.add(event, now: now) { onRateLimit(line) }
        })
        switch decision {
        case .send: break
        case .drop: counters?._withUnsafeGuaranteedRef { $0.add(QuerySlot.rrlDropped) }
        case .slip: counters?._withUnsafeGuaranteedRef { $0.add(QuerySlot.rrlSlipped) }
        }
        return decision
    }

    /// True when a query carries the own verifier's client cookie.
    private func isOwn(_ cookie: Query.CookieRequest?) -> Bool {
        guard let own = ownClientCookie else { return false }
        switch cookie {
        case .client(let client), .clientAndServer(let client, _, _): return client == own
        case .malformed, nil: return false
        }
    }
}
