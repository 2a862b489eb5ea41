import CSocketShims
import DNSWire
import Platform
import Glibc
import Logging

/// The TCP side (RFC 7766): one thread waits with epoll on the listeners, an eventfd that `stop()` signals, and
/// every connection, all non-blocking. A slow client only ever costs its own buffers, never the thread's time.
///
/// This value holds what `start()` creates (so its failures are thrown before any thread runs) and is handed to
/// the thread, which keeps its mutable state in a `TCPEventLoopRunner` of its own.
struct TCPEventLoop<Responder: QueryResponder>: Sendable {
    /// A bound, listening socket.
    struct Listener: Sendable {
        let socket: FileDescriptor
        let address: ListenAddress
    }

    /// The limits that apply to each connection.
    struct Limits: Sendable {
        /// Milliseconds without a complete query or a write that moved bytes before a connection is closed.
        /// Partial reads do not count, so a client trickling a message byte by byte is closed in time.
        let idleTimeout: UInt64
        /// Open connections at most; a new one beyond it closes the least recently active connection of the
        /// source that holds the most (never one in a zone transfer).
        let maxConnections: Int
        /// Open connections at most per source (`TCPConnection.source`); more are closed at once.
        let maxConnectionsPerSource: Int
        /// Octets of queued responses beyond which a connection's further queries wait (it is not read), and
        /// up to which a transfer's next messages are written.
        let maxPendingOutput: Int
        /// Transfers being written at once at most.
        let maxConcurrentTransfers: Int
    }

    let epoll: FileDescriptor
    let wakeup: EventSignal
    let listeners: [Listener]
    let limits: Limits
    let responder: Responder
    let stop: StopFlag
    let logger: Logger
    let statistics: TCPStatistics

    /// The epoll token of the eventfd; listener `i` has token `i + 1`; a connection has its serial in the high
    /// 32 bits (never 0) and its descriptor in the low 32 bits.
    static var wakeupToken: UInt64 { 0 }

    /// Creates the epoll instance and the eventfd and registers them with the listeners.
    init(listeners: [Listener], limits: Limits, responder: Responder, stop: StopFlag,
         logger: Logger, statistics: TCPStatistics) throws(SystemError) {
        let epollRaw = wdns_epoll_create()
        guard epollRaw >= 0 else { throw SystemError("epoll_create1", code: errno) }
        let epoll = FileDescriptor(epollRaw)
        let wakeup = try EventSignal(label: "tcp")
        if wdns_epoll_ctl(epoll.raw, Int32(WDNS_EPOLL_CTL_ADD), wakeup.descriptor.raw, UInt32(WDNS_EPOLLIN), Self.wakeupToken) != 0 {
            throw SystemError("epoll_ctl(eventfd)", code: errno)
        }
        for (index, listener) in listeners.enumerated() {
            let result = wdns_epoll_ctl(epoll.raw, Int32(WDNS_EPOLL_CTL_ADD), listener.socket.raw,
                                        UInt32(WDNS_EPOLLIN), UInt64(index + 1))
            if result != 0 { throw SystemError("epoll_ctl", address: "\(listener.address)/tcp", code: errno) }
        }
        self.epoll = epoll
        self.wakeup = wakeup
        self.listeners = listeners
        self.limits = limits
        self.responder = responder
        self.stop = stop
        self.logger = logger
        self.statistics = statistics
    }

    /// Runs the loop on the calling thread until `stop` is set and `wake()` called.
    func run() {
        TCPEventLoopRunner(self).run()
    }

    /// Wakes the loop so it sees the stop flag.
    func wake() {
        wakeup.signal()
    }
}

/// The mutable state of the TCP thread: the connection table, the reusable response writer and buffers.
private final class TCPEventLoopRunner<Responder: QueryResponder> {
    private let loop: TCPEventLoop<Responder>
    private var table = ConnectionTable()
    private var writer = MessageWriter(limit: 65535, capacity: 4096)
    private var state: Responder.ThreadState
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
    private static var maxEvents: Int { 64 }
    private let events = UnsafeMutablePointer<wdns_event>.allocate(capacity: TCPEventLoopRunner.maxEvents)
    private var lastSerial: UInt32 = 0
    /// When accepting was paused because the process ran out of descriptors, the time to try again.
    private var acceptPausedUntil: UInt64?
    /// Transfers being written now, and the connections whose transfer request waits for one to end (in order).
    private var activeTransfers = 0
    private var waitingForTransfer: [TCPConnection] = []

    init(_ loop: TCPEventLoop<Responder>) {
        self.loop = loop
        self.state = loop.responder.makeThreadState()
    }

    deinit {
        for connection in table.all { Glibc.close(connection.fd) }
        scratch.deallocate()
        events.deallocate()
    }

    func run() {
        while !loop.stop.isSet {
            let ready = wdns_epoll_wait(loop.epoll.raw, events, Int32(Self.maxEvents), timeout(now: SystemClock.monotonicMilliseconds()))
            if ready < 0 {
                if errno == EINTR { continue }
                loop.logger.critical("epoll_wait failed: \(String(cString: strerror(errno))); TCP service stops")
                return
            }
            for index in 0 ..< Int(ready) {
                dispatch(events[index])
            }
            startWaitingTransfers()
            let now = SystemClock.monotonicMilliseconds()
            closeIdleConnections(now: now)
            resumeAcceptingIfDue(now: now)
        }
    }

    private func dispatch(_ event: wdns_event) {
        let token = event.token
        if token == TCPEventLoop<Responder>.wakeupToken {
            loop.wakeup.drain()
        } else if token >> 32 == 0 {
            accept(from: loop.listeners[Int(token) - 1])
        } else if let connection = table.connection(fd: Int32(truncatingIfNeeded: token), serial: UInt32(token >> 32)) {
            service(connection, events: event.events)
        }
    }

    // MARK: Accepting

    private func accept(from listener: TCPEventLoop<Responder>.Listener) {
        for _ in 0 ..< 64 {
            var peer = SocketAddress()
            let fd = peer.withMutableSockAddr { address, length in
                var size = UInt32(length.pointee)
                let fd = wdns_accept_nonblocking(listener.socket.raw, address, &size)
                length.pointee = socklen_t(size)
                return fd
            }
            if fd >= 0 {
                admit(fd, peer: peer.listenAddress.map { PeerAddress(octets: $0.octets, port: $0.port) })
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO, EPERM:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                loop.logger.warning("accept on \(listener.address)/tcp: \(String(cString: strerror(errno))); pausing for 100 ms")
                pauseAccepting()
                return
            default:
                return
            }
        }
    }

    /// Registers a new connection: closed at once when its source already holds its share; at the cap, one of
    /// the greediest source's connections makes room.
    private func admit(_ fd: Int32, peer: PeerAddress?) {
        let source = TCPConnection.source(of: peer)
        if table.count(from: source) >= loop.limits.maxConnectionsPerSource {
            loop.logger.debug("TCP connections from \(peer.map(\.description) ?? "?") at the per-source cap (\(loop.limits.maxConnectionsPerSource)): closing the new one")
            Glibc.close(fd)
            loop.statistics.didRefuseForSource()
            return
        }
        if table.count >= loop.limits.maxConnections {
            guard let victim = table.evictionCandidate() else {
                loop.logger.debug("TCP connection cap (\(loop.limits.maxConnections)) reached, every connection in a transfer: closing the new one")
                Glibc.close(fd)
                return
            }
            loop.logger.debug("TCP connection cap (\(loop.limits.maxConnections)) reached: closing the least recently active connection of the source with the most")
            close(victim)
            loop.statistics.didEvict()
        }
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        lastSerial = lastSerial == UInt32.max ? 1 : lastSerial + 1
        let token = UInt64(lastSerial) << 32 | UInt64(UInt32(bitPattern: fd))
        let events = UInt32(WDNS_EPOLLIN)
        guard wdns_epoll_ctl(loop.epoll.raw, Int32(WDNS_EPOLL_CTL_ADD), fd, events, token) == 0 else {
            Glibc.close(fd)
            return
        }
        table.insert(TCPConnection(fd: fd, serial: lastSerial, events: events, peer: peer, now: SystemClock.monotonicMilliseconds()))
        loop.statistics.didAccept()
    }

    private func pauseAccepting() {
        for listener in loop.listeners {
            _ = wdns_epoll_ctl(loop.epoll.raw, Int32(WDNS_EPOLL_CTL_MOD), listener.socket.raw, 0, 0)
        }
        acceptPausedUntil = SystemClock.monotonicMilliseconds() + 100
    }

    private func resumeAcceptingIfDue(now: UInt64) {
        guard let until = acceptPausedUntil, until <= now else { return }
        acceptPausedUntil = nil
        for (index, listener) in loop.listeners.enumerated() {
            _ = wdns_epoll_ctl(loop.epoll.raw, Int32(WDNS_EPOLL_CTL_MOD), listener.socket.raw,
                               UInt32(WDNS_EPOLLIN), UInt64(index + 1))
        }
    }

    // MARK: Connections

    /// Reads, answers every complete message in order, writes; then registers the events still wanted.
    private func service(_ connection: TCPConnection, events: UInt32) {
        if events & UInt32(WDNS_EPOLLERR) != 0 {
            close(connection)
            return
        }
        let wantsInput = !connection.inputClosed && connection.pendingOutput < loop.limits.maxPendingOutput
        if events & UInt32(WDNS_EPOLLIN | WDNS_EPOLLHUP) != 0 && wantsInput {
            switch connection.read(using: scratch) {
            case .progress, .wouldBlock: break
            case .endOfInput: connection.inputClosed = true
            case .failed:
                close(connection)
                return
            }
        }
        while true {
            guard answerComplete(connection) else {
                close(connection)
                return
            }
            writeTransfer(connection)
            switch connection.flush() {
            case .failed:
                close(connection)
                return
            case .progress:
                table.touch(connection, now: SystemClock.monotonicMilliseconds())
            case .wouldBlock, .endOfInput:
                break
            }
            if connection.pendingOutput > 0 {
                // The socket takes no more (flush writes until it would block). Queue answers up to the cap; if
                // queries still wait then, the client pipelines and never reads: close it. A zone transfer's
                // queue is full by design and is left to the idle timeout.
                guard answerComplete(connection) else {
                    close(connection)
                    return
                }
                writeTransfer(connection)
                if !connection.inTransfer, connection.pendingOutput >= loop.limits.maxPendingOutput,
                   case .message = connection.nextFrame() {
                    loop.logger.debug("closing a TCP client that sends queries and does not read its answers")
                    close(connection)
                    return
                }
                break
            }
            if connection.transfer != nil { continue }
            connection.inTransfer = false
            // Output drained while queries wait behind the output cap: answer those too.
            guard !connection.waitingForTransferSlot, case .message = connection.nextFrame() else { break }
        }
        if connection.inputClosed && connection.pendingOutput == 0 {
            close(connection)
            return
        }
        updateEvents(connection)
    }

    /// Answers the complete messages in order until the output cap is reached, a transfer starts, or a
    /// transfer request must wait for a slot. Returns false for a zero-length message, which closes the
    /// connection.
    private func answerComplete(_ connection: TCPConnection) -> Bool {
        while connection.pendingOutput < loop.limits.maxPendingOutput, connection.transfer == nil,
              !connection.waitingForTransferSlot {
            switch connection.nextFrame() {
            case .incomplete:
                return true
            case .invalid:
                return false
            case .message(let range):
                if activeTransfers >= loop.limits.maxConcurrentTransfers,
                   connection.peek(range, { Query.asksForTransfer($0) }) {
                    connection.waitingForTransferSlot = true
                    waitingForTransfer.append(connection)
                    return true
                }
                writer.reset(limit: 65535)
                var continuation: (any MessageStream)?
                let answered = connection.consume(range) { query in
                    loop.responder.respond(to: query, over: .tcp, client: connection.client, from: connection.peer,
                                           into: &writer, state: &state, continuation: &continuation)
                }
                let count = writer.count
                if answered && count > 0 && count <= 65535 {
                    connection.enqueue(writer.bytes)
                }
                if let continuation {
                    // A zone transfer: its other messages are written as the client reads.
                    connection.transfer = continuation
                    connection.inTransfer = true
                    activeTransfers += 1
                }
                table.touch(connection, now: SystemClock.monotonicMilliseconds())
            }
        }
        return true
    }

    /// Writes the transfer's next messages until the output cap is reached or the transfer ends.
    private func writeTransfer(_ connection: TCPConnection) {
        while let transfer = connection.transfer, connection.pendingOutput < loop.limits.maxPendingOutput {
            writer.reset(limit: 65535)
            guard transfer.next(into: &writer) else {
                endTransfer(connection)
                return
            }
            if writer.count >= Header.size && writer.count <= 65535 { connection.enqueue(writer.bytes) }
        }
    }

    private func endTransfer(_ connection: TCPConnection) {
        guard connection.transfer != nil else { return }
        connection.transfer = nil
        activeTransfers -= 1
    }

    /// Lets waiting transfer requests go, in order, while slots are free.
    private func startWaitingTransfers() {
        while activeTransfers < loop.limits.maxConcurrentTransfers, !waitingForTransfer.isEmpty {
            let connection = waitingForTransfer.removeFirst()
            guard table.connection(fd: connection.fd, serial: connection.serial) === connection else { continue }
            connection.waitingForTransferSlot = false
            service(connection, events: 0)
        }
    }

    private func updateEvents(_ connection: TCPConnection) {
        var wanted: UInt32 = 0
        if !connection.inputClosed && connection.pendingOutput < loop.limits.maxPendingOutput
            && connection.transfer == nil && !connection.waitingForTransferSlot {
            wanted |= UInt32(WDNS_EPOLLIN)
        }
        if connection.pendingOutput > 0 { wanted |= UInt32(WDNS_EPOLLOUT) }
        guard wanted != connection.registeredEvents else { return }
        let token = UInt64(connection.serial) << 32 | UInt64(UInt32(bitPattern: connection.fd))
        if wdns_epoll_ctl(loop.epoll.raw, Int32(WDNS_EPOLL_CTL_MOD), connection.fd, wanted, token) == 0 {
            connection.registeredEvents = wanted
        } else {
            close(connection)
        }
    }

    private func close(_ connection: TCPConnection) {
        endTransfer(connection)
        table.remove(connection)
        Glibc.close(connection.fd)
        loop.statistics.didClose()
    }

    // MARK: Timeouts

    private func closeIdleConnections(now: UInt64) {
        while let oldest = table.oldest, oldest.lastActivity + loop.limits.idleTimeout <= now {
            close(oldest)
            loop.statistics.didCloseIdle()
        }
    }

    /// Milliseconds until the next idle deadline or the end of an accept pause; -1 when there is none.
    private func timeout(now: UInt64) -> Int32 {
        var deadline: UInt64?
        if let oldest = table.oldest { deadline = oldest.lastActivity + loop.limits.idleTimeout }
        if let until = acceptPausedUntil { deadline = min(deadline ?? until, until) }
        guard let deadline else { return -1 }
        guard deadline > now else { return 0 }
        return Int32(clamping: deadline - now)
    }
}
