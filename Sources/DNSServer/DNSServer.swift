import DNSWire
import Platform
import Glibc
import Logging
import Synchronization

/// An authoritative DNS server's socket layer: UDP and TCP on IPv4 and IPv6, on threads of its own.
///
/// For each listen address, `start()` binds one `SO_REUSEPORT` UDP socket per worker, each served by its own
/// thread with batched `recvmmsg`/`sendmmsg`, and one TCP listener; all TCP connections share one epoll thread.
/// Every message is answered by the `QueryResponder`. On `0.0.0.0` and `[::]` replies leave from the address
/// each query was sent to; `[::]` also serves IPv4 (`IPV6_V6ONLY=0`), so `0.0.0.0` with the same port is not
/// listed beside it.
public final class DNSServer: Sendable {
    /// The addresses as given (port 0 asks for an ephemeral port).
    public let listenAddresses: [ListenAddress]
    /// UDP sockets, each with its own thread, per listen address.
    public let workers: Int
    public let options: Options
    private let responder: any QueryResponder
    private let logger: Logger
    private let state = Mutex<Running?>(nil)
    /// The TCP side's connection counts, for the metrics.
    public let tcpStatistics = TCPStatistics()

    /// The number of online processors, the default number of UDP workers.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Creates a server; nothing is bound until `start()`.
    public init(listen: [ListenAddress], workers: Int = DNSServer.processorCount, responder: some QueryResponder,
                logger: Logger, options: Options = Options()) {
        self.listenAddresses = listen
        self.workers = workers
        self.options = options
        self.responder = responder
        self.logger = logger
    }

    deinit {
        stop()
    }

    /// The addresses actually bound, with the ports the system chose for port 0; empty when not running.
    public var boundAddresses: [ListenAddress] {
        state.withLock { $0?.addresses ?? [] }
    }

    /// Binds every socket, then starts the threads. A failure (such as a port in use) is thrown before any
    /// thread starts, naming the address and the system call, and leaves nothing bound.
    public func start() throws(SystemError) {
        try state.withLock { (running: inout Running?) throws(SystemError) in
            guard running == nil else { throw SystemError("start", detail: "the server is already running") }
            if listenAddresses.isEmpty { throw SystemError("start", detail: "no listen address") }
            if workers < 1 { throw SystemError("start", detail: "workers must be at least 1") }
            if let problem = options.problem { throw SystemError("start", detail: problem) }
            running = try launch(responder)
        }
    }

    /// Stops serving: wakes every thread, waits for it to return and closes every socket. Does nothing when the
    /// server is not running.
    public func stop() {
        state.withLock { running in
            guard let current = running else { return }
            current.halt()
            running = nil
            logger.info("DNS server stopped")
        }
    }

    private func launch<Responder: QueryResponder>(_ responder: Responder) throws(SystemError) -> Running {
        var bound: [BoundAddress] = []
        for address in listenAddresses {
            bound.append(try bind(address))
        }
        let stop = StopFlag()
        let limits = TCPEventLoop<Responder>.Limits(
            idleTimeout: options.tcpIdleTimeoutMilliseconds,
            maxConnections: options.maxTCPConnections,
            maxConnectionsPerSource: options.maxTCPConnectionsPerSource,
            maxPendingOutput: options.maxTCPPendingOutput,
            maxConcurrentTransfers: options.maxConcurrentTransfers)
        let loop = try TCPEventLoop(
            listeners: bound.map { TCPEventLoop<Responder>.Listener(socket: $0.tcp, address: $0.address) },
            limits: limits, responder: responder, stop: stop, logger: logger, statistics: tcpStatistics)
        var running = Running(addresses: bound.map(\.address), udpSockets: bound.flatMap(\.udp),
                              wakeTCP: { loop.wake() }, stop: stop, threads: [])
        do {
            var index = 0
            for address in bound {
                for socket in address.udp {
                    let worker = UDPWorker(socket: socket, address: address.address, batchSize: options.udpBatchSize,
                                           responder: responder, stop: stop, logger: logger)
                    running.threads.append(try WorkerThread(name: "dns-udp-\(index)") { worker.run() })
                    index += 1
                }
            }
            running.threads.append(try WorkerThread(name: "dns-tcp") { loop.run() })
        } catch {
            running.halt()
            throw error
        }
        for address in bound {
            logger.info("serving DNS on \(address.address) (UDP: \(address.udp.count) sockets, TCP)")
        }
        return running
    }

    /// Binds the UDP sockets and the TCP listener of one address. For port 0 the first UDP socket picks the
    /// port; should the TCP port then be taken, another port is tried.
    private func bind(_ address: ListenAddress) throws(SystemError) -> BoundAddress {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try bindOnce(address)
            } catch where address.port == 0 && error.code == EADDRINUSE && attempts < 8 {
                continue
            }
        }
    }

    private func bindOnce(_ address: ListenAddress) throws(SystemError) -> BoundAddress {
        let first = try Sockets.udp(address)
        let actual = try Sockets.localAddress(of: first, label: "\(address)/udp")
        let tcp = try Sockets.tcpListener(actual, backlog: options.tcpBacklog)
        var udp = [first]
        while udp.count < workers {
            udp.append(try Sockets.udp(actual))
        }
        return BoundAddress(address: actual, udp: udp, tcp: tcp)
    }
}

/// The sockets bound for one listen address.
private struct BoundAddress {
    let address: ListenAddress
    let udp: [FileDescriptor]
    let tcp: FileDescriptor
}

/// What a running server owns. Releasing it after `halt()` closes every socket.
private struct Running: Sendable {
    let addresses: [ListenAddress]
    let udpSockets: [FileDescriptor]
    /// Signals the TCP loop's eventfd; the closure keeps the loop's descriptors open until it is released.
    let wakeTCP: @Sendable () -> Void
    let stop: StopFlag
    var threads: [WorkerThread]

    /// Tells every thread to return, wakes the blocked ones and joins them all.
    func halt() {
        stop.set()
        for socket in udpSockets {
            // Wakes a thread blocked in recvmmsg (Linux reports ENOTCONN for UDP but still wakes readers).
            _ = shutdown(socket.raw, Int32(SHUT_RDWR))
        }
        wakeTCP()
        for thread in threads {
            thread.join()
        }
    }
}
