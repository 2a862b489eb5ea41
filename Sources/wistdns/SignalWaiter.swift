#if canImport(Glibc)
import Glibc
#endif

/// Waits for process signals synchronously. Blocks SIGHUP, SIGINT and SIGTERM in the calling thread; call it
/// before any thread starts so every thread inherits the mask and only `wait()` receives them.
struct SignalWaiter {
    enum Event { case reload, stop }

    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        for signal in [SIGHUP, SIGINT, SIGTERM] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // Peers that close a TCP connection early must not kill the process.
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks until SIGHUP (reload) or SIGINT/SIGTERM (stop).
    func wait() -> Event {
        var set = self.set
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            return received == SIGHUP ? .reload : .stop
        }
    }
}
