import CSocketShims
import Glibc
import Platform

/// Creates and configures the listening sockets. Every failure names the address and the system call.
enum Sockets {
    /// How long a blocked UDP receive waits before the worker checks whether the server is stopping. `stop()`
    /// wakes the workers at once with `shutdown`; this is only the safety net.
    static let receiveTimeout = timeval(tv_sec: 0, tv_usec: 500_000)
    /// The UDP receive buffer asked for, so that bursts queue rather than drop while a batch is answered. The
    /// kernel caps it at `net.core.rmem_max`.
    static let receiveBufferSize: Int32 = 4 << 20

    /// A blocking UDP socket bound to `address`, with `SO_REUSEPORT` so that each worker has its own socket on
    /// the same port. On a wildcard address it reports each datagram's destination address (packet info) so the
    /// reply can leave from it. `[::]` is dual-stack (`IPV6_V6ONLY=0`), a specific IPv6 address is IPv6 only.
    static func udp(_ address: ListenAddress) throws(SystemError) -> FileDescriptor {
        let label = "\(address)/udp"
        let socket = try open(address, type: Int32(SOCK_DGRAM.rawValue), label: label)
        try setOption(socket, SOL_SOCKET, SO_REUSEPORT, 1, name: "SO_REUSEPORT", label: label)
        try setV6Only(socket, address, label: label)
        var bufferSize = receiveBufferSize
        // Best effort: a smaller buffer only means more drops under bursts.
        _ = setsockopt(socket.raw, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        var timeout = receiveTimeout
        if setsockopt(socket.raw, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) != 0 {
            throw SystemError("setsockopt(SO_RCVTIMEO)", address: label, code: errno)
        }
        if address.isWildcard, wdns_enable_packet_info(socket.raw, address.family == .ipv6 ? 1 : 0) != 0 {
            throw SystemError(address.family == .ipv6 ? "setsockopt(IPV6_RECVPKTINFO)" : "setsockopt(IP_PKTINFO)",
                                 address: label, code: errno)
        }
        try bind(socket, address, label: label)
        return socket
    }

    /// A non-blocking TCP listener bound to `address`. It has `SO_REUSEADDR` but not `SO_REUSEPORT`, so a second
    /// server on the same port fails here with "Address already in use" instead of silently sharing the port.
    static func tcpListener(_ address: ListenAddress, backlog: Int) throws(SystemError) -> FileDescriptor {
        let label = "\(address)/tcp"
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let socket = try open(address, type: type, label: label)
        try setOption(socket, SOL_SOCKET, SO_REUSEADDR, 1, name: "SO_REUSEADDR", label: label)
        try setV6Only(socket, address, label: label)
        try bind(socket, address, label: label)
        if listen(socket.raw, Int32(clamping: backlog)) != 0 {
            throw SystemError("listen", address: label, code: errno)
        }
        return socket
    }

    /// The address a socket is bound to (with the port the system chose for port 0).
    static func localAddress(of socket: FileDescriptor, label: String) throws(SystemError) -> ListenAddress {
        var local = SocketAddress()
        let result = local.withMutableSockAddr { getsockname(socket.raw, $0, $1) }
        guard result == 0, let address = local.listenAddress else {
            throw SystemError("getsockname", address: label, code: errno)
        }
        return address
    }

    private static func open(_ address: ListenAddress, type: Int32, label: String) throws(SystemError) -> FileDescriptor {
        let family = address.family == .ipv4 ? AF_INET : AF_INET6
        let raw = socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw SystemError("socket", address: label, code: errno) }
        return FileDescriptor(raw)
    }

    private static func bind(_ socket: FileDescriptor, _ address: ListenAddress, label: String) throws(SystemError) {
        let result = SocketAddress(address).withSockAddr { Glibc.bind(socket.raw, $0, $1) }
        if result != 0 { throw SystemError("bind", address: label, code: errno) }
    }

    /// `[::]` serves IPv4 too (one socket for both families, and `0.0.0.0` can then not be bound beside it on
    /// the same port); a specific IPv6 address is IPv6 only.
    private static func setV6Only(_ socket: FileDescriptor, _ address: ListenAddress, label: String) throws(SystemError) {
        guard address.family == .ipv6 else { return }
        try setOption(socket, Int32(IPPROTO_IPV6), IPV6_V6ONLY, address.isWildcard ? 0 : 1, name: "IPV6_V6ONLY", label: label)
    }

    static func setOption(_ socket: FileDescriptor, _ level: Int32, _ option: Int32, _ value: Int32,
                          name: String, label: String) throws(SystemError) {
        var value = value
        if setsockopt(socket.raw, level, option, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw SystemError("setsockopt(\(name))", address: label, code: errno)
        }
    }
}
