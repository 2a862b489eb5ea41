import DNSWire
import Glibc

/// The steps every DNS message goes through, in this order (the NLnet Labs `domain` crate's middleware chain is
/// the model; each step can end the message's way through):
/// 1. the header: a response (QR set) or fewer than 12 octets is dropped (`Responder`);
/// 2. the parse: FORMERR, or NOTIMP for an unknown opcode (`Responder`);
/// 3. TSIG (RFC 8945): a signed request is verified, rejected with NOTAUTH, and its answer signed
///    (`Responder.respondSigned`);
/// 4. the answer: the lookup in the published snapshot and the response with truncation (`Responder`,
///    `ResponseBuilder`), which also tells the response's class;
/// 5. response rate limiting, over UDP only: the response is sent, dropped, or replaced by an empty truncated
///    answer (`ResponseRateLimiter`, one per thread). TCP, exempt networks and validly signed requests are never
///    limited.
public struct QueryPipeline: Sendable {
    public let responder: Responder
    public let rateLimit: RateLimitSettings
    /// The UDP threads that share the rate (the workers of one listen address).
    public let udpThreads: Int
    /// Called on a DNS thread with the line to log when a network is being limited: at most once per network per
    /// log interval, across all threads (`RateLimitLog`).
    public let onRateLimit: @Sendable (RateLimitLog.Line) -> Void
    private let log: RateLimitLog
    private let seed: UInt64

    /// What one DNS thread keeps: its view of the published zones and its rate limiter.
    public struct ThreadState {
        public var reader: ZoneStore.Reader
        public let limiter: ResponseRateLimiter?
    }

    public init(responder: Responder, rateLimit: RateLimitSettings = .off, udpThreads: Int = 1,
                onRateLimit: @escaping @Sendable (RateLimitLog.Line) -> Void = { _ in }) {
        self.responder = responder
        self.rateLimit = rateLimit
        self.udpThreads = max(1, udpThreads)
        self.onRateLimit = onRateLimit
        log = RateLimitLog(intervalMilliseconds: rateLimit.logIntervalMilliseconds)
        seed = UInt64.random(in: .min ... .max)
    }

    /// The state of one thread; call it on that thread.
    public func makeThreadState() -> ThreadState {
        ThreadState(reader: responder.makeReader(),
                    limiter: rateLimit.isEnabled ? ResponseRateLimiter(settings: rateLimit, threads: udpThreads,
                                                                       seed: seed) : nil)
    }

    /// Runs the steps for one message. `client` is where it came from (nil when unknown: never limited),
    /// `peer` the TCP client's octets for transfer permissions. Returns false when nothing is to be sent.
    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                        peer: [UInt8]?, into response: inout MessageWriter, state: inout ThreadState,
                        emit: ([UInt8]) -> Void) -> Bool {
        var responseClass = ResponseClass.error
        guard responder.respond(to: query, over: transport, from: peer, into: &response, reader: &state.reader,
                                classifyingAs: &responseClass, emit: emit) else { return false }
        guard transport == .udp, let limiter = state.limiter, let client else { return true }
        let now = Self.milliseconds()
        switch limiter.decide(client: client, responseClass: responseClass, now: now, report: { event in
            if let line = log.add(event, now: now) { onRateLimit(line) }
        }) {
        case .send:
            return true
        case .drop:
            return false
        case .slip:
            responder.writeSlip(answering: query, into: &response)
            return true
        }
    }

    /// Monotonic time in milliseconds from the coarse clock (a few nanoseconds through the vDSO; its tick of a
    /// few milliseconds is fine for buckets that refill per second).
    static func milliseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }
}
