import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Process signals as an async stream: SIGHUP asks for a reload, SIGINT and SIGTERM for a stop. Dispatch
/// sources receive them, so no thread's signal mask has to change. Keep this object alive while `events` is read.
final class SignalEvents {
    enum Event: Sendable { case reload, stop }

    /// The signals, in the order they arrive.
    let events: AsyncStream<Event>
    private let sources: [any DispatchSourceSignal]

    init() {
        let queue = DispatchQueue(label: "wistdns.signals")
        var continuation: AsyncStream<Event>.Continuation!
        events = AsyncStream { continuation = $0 }
        let yield = continuation!
        // Peers that close a TCP connection early must not kill the process.
        signal(SIGPIPE, SIG_IGN)
        sources = [(SIGHUP, Event.reload), (SIGINT, .stop), (SIGTERM, .stop)].map { number, event in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { yield.yield(event) }
            source.resume()
            return source
        }
    }
}
