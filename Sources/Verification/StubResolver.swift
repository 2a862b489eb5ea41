import Dispatch
import DNSWire

/// Stub resolver over POSIX sockets: random 16-bit query IDs (`SystemRandomNumberGenerator`), a fresh socket per
/// query on a random source port (bind port 0), the answer must match ID, question (name case-insensitively,
/// type, class) and the server's address, else it is ignored and reading continues until the timeout; `retries`
/// extra UDP attempts on timeout; TCP (2-byte framing) when the UDP answer has TC. EDNS 1232 on UDP. Never reads
/// /etc/resolv.conf: every query names its server.
public struct StubResolver: Sendable {
    /// How long each UDP attempt (and the TCP exchange) may take.
    public let timeout: Duration
    /// Extra UDP attempts after a timeout.
    public let retries: Int
    /// A client cookie (RFC 7873) every query carries, if any: WistDNS's own verifier marks its queries to its own
    /// server with one, so they never count as a resolver's interest in a pending domain.
    public let clientCookie: UInt64?

    /// A resolver with the given per-attempt timeout and number of extra attempts.
    public init(timeout: Duration = .seconds(2), retries: Int = 1, clientCookie: UInt64? = nil) {
        self.timeout = timeout
        self.retries = max(0, retries)
        self.clientCookie = clientCookie
    }

    /// Asks `server` for `name`/`type` (class IN). Runs on a Dispatch thread, never blocking the cooperative pool.
    /// Returns the response for NOERROR and NXDOMAIN; throws .servfail/.refused/.rcode for other rcodes.
    public func query(_ name: Name, _ type: RecordType, server: ResolverAddress,
                      recursionDesired: Bool) async throws(LookupFailure) -> Message {
        let exchange = BlockingExchange(timeout: timeout, retries: retries, clientCookie: clientCookie)
        let question = Question(name: name, type: type, rclass: .in)
        // A serial queue of its own targets the overcommit pool: a blocked query never waits for another's thread.
        let queue = DispatchQueue(label: "wistdns.verification.query")
        let result: Result<Message, LookupFailure> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(LookupFailure) {
                    let message = try exchange.run(question, server: server, recursionDesired: recursionDesired)
                    continuation.resume(returning: .success(message))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        let message = try result.get()
        switch message.rcode {
        case .noError, .nxDomain: return message
        case .servFail: throw .servfail
        case .refused: throw .refused
        default: throw .rcode(message.rcode.rawValue)
        }
    }
}
