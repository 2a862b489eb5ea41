import Glibc

/// A non-blocking POSIX socket owned by one thread for one query. Every wait is a `poll` bounded by a deadline.
final class Socket {
    let fd: Int32

    /// Opens a UDP or TCP socket of the server's family, bound to port 0 (a random source port).
    init(for server: ResolverAddress, tcp: Bool) throws(LookupFailure) {
        let family = server.family == .ipv4 ? AF_INET : AF_INET6
        let kind = Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        fd = Glibc.socket(family, kind | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Socket.failure("socket") }
        var (local, length) = SocketAddress.anyPort(like: server)
        let result = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard result == 0 else {
            let error = Socket.failure("bind")
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// `.network` with the text of `errno`.
    static func failure(_ call: String) -> LookupFailure {
        .network("\(call): \(String(cString: strerror(errno)))")
    }

    /// Waits until the socket is readable (or writable); false when the deadline passes first.
    func wait(writable: Bool = false, until deadline: ContinuousClock.Instant) throws(LookupFailure) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let (seconds, attoseconds) = left.components
            let millis = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var pfd = pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&pfd, 1, millis)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw Socket.failure("poll") }
        }
    }

    /// Sends one datagram to `server`.
    func send(_ bytes: [UInt8], to server: ResolverAddress) throws(LookupFailure) {
        var (address, length) = SocketAddress.make(server)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, length)
                }
            }
        }
        guard sent == bytes.count else { throw Socket.failure("sendto") }
    }

    /// Receives one datagram and its source; nil when nothing is waiting.
    func receive() throws(LookupFailure) -> ([UInt8], ResolverAddress?)? {
        var buffer = [UInt8](repeating: 0, count: 65535)
        var source = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length)
                }
            }
        }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNREFUSED { return nil }
            throw Socket.failure("recvfrom")
        }
        return (Array(buffer.prefix(count)), SocketAddress.read(source))
    }

    /// Connects a TCP socket before the deadline.
    func connect(to server: ResolverAddress, until deadline: ContinuousClock.Instant) throws(LookupFailure) {
        var (address, length) = SocketAddress.make(server)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
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
