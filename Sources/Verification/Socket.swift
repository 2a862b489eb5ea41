import DNSWire
import Glibc
import Platform

/// A non-blocking socket owned by one thread for one query. Every wait is a `poll` bounded by a deadline.
final class Socket {
    private let socket: ClientSocket
    private var fd: Int32 { socket.descriptor.raw }

    /// Opens a UDP or TCP socket of the server's family, bound to port 0 (a random source port).
    init(for server: ResolverAddress, tcp: Bool) throws(LookupFailure) {
        do {
            // Not IPv6 only: a resolver or a nameserver's AAAA may be an IPv4-mapped address.
            socket = try ClientSocket(family: server.family, kind: tcp ? .stream : .datagram, v6Only: false,
                                      label: "verify")
        } catch {
            throw Socket.failure(error)
        }
    }

    /// `.network` with the failed call and its reason.
    private static func failure(_ error: SystemError) -> LookupFailure {
        .network("\(error.operation): \(error.reason)")
    }

    /// `.network` with the text of `errno`.
    private static func failure(_ call: String) -> LookupFailure {
        .network("\(call): \(String(cString: strerror(errno)))")
    }

    /// Waits until the socket is readable (or writable); false when the deadline passes first.
    func wait(writable: Bool = false, until deadline: ContinuousClock.Instant) throws(LookupFailure) -> Bool {
        while true {
            let now = ContinuousClock.now
            guard deadline > now else { return false }
            var pfd = pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&pfd, 1, SystemClock.pollTimeout(until: deadline, from: now))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw Socket.failure("poll") }
        }
    }

    /// Sends one datagram to `server`.
    func send(_ bytes: [UInt8], to server: ResolverAddress) throws(LookupFailure) {
        do {
            try socket.send(bytes, to: server.hostPort)
        } catch {
            throw Socket.failure(error)
        }
    }

    /// Receives one datagram and its source; nil when nothing is waiting.
    func receive() throws(LookupFailure) -> ([UInt8], ResolverAddress)? {
        var buffer = [UInt8](repeating: 0, count: 65535)
        do {
            guard let (count, source) = try socket.receive(into: &buffer) else { return nil }
            return (Array(buffer.prefix(count)), ResolverAddress(source))
        } catch {
            throw Socket.failure(error)
        }
    }

    /// Connects a TCP socket before the deadline.
    func connect(to server: ResolverAddress, until deadline: ContinuousClock.Instant) throws(LookupFailure) {
        let result = SocketAddress(server.hostPort).withSockAddr { Glibc.connect(fd, $0, $1) }
        if result == 0 { return }
        guard errno == EINPROGRESS else { throw Socket.failure("connect") }
        guard try wait(writable: true, until: deadline) else { throw .timeout }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else { throw Socket.failure("getsockopt") }
        guard error == 0 else { throw .network("connect: \(String(cString: strerror(error)))") }
    }

    /// Writes all of `bytes` on a connected socket before the deadline.
    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) throws(LookupFailure) {
        var offset = 0
        while offset < bytes.count {
            guard try wait(writable: true, until: deadline) else { throw .timeout }
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw Socket.failure("send")
            }
            offset += sent
        }
    }

    /// Reads exactly `count` octets from a connected socket before the deadline.
    func read(exactly count: Int, until deadline: ContinuousClock.Instant) throws(LookupFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < count {
            guard try wait(until: deadline) else { throw .timeout }
            let wanted = min(chunk.count, count - bytes.count)
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, wanted, 0) }
            if got < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw Socket.failure("recv")
            }
            guard got > 0 else { throw .network("connection closed by the server") }
            bytes.append(contentsOf: chunk.prefix(got))
        }
        return bytes
    }
}
