import DNSWire
import Glibc

/// A non-blocking UDP or TCP socket of one address family, bound to the wildcard address on a port the system
/// picks: the client side from which queries and NOTIFYs leave and on which their answers arrive. Errors name the
/// system call and `label`.
package struct ClientSocket: Sendable {
    /// A datagram (UDP) or stream (TCP) socket.
    package enum Kind: Sendable {
        case datagram
        case stream
    }

    package let family: IPAddressText.Family
    package let descriptor: FileDescriptor
    /// What the socket is for, in errors (`notify/udp4`).
    package let label: String

    /// Opens and binds the socket. An IPv6 socket is IPv6 only unless `v6Only` is false; then it also reaches
    /// IPv4-mapped addresses (`::ffff:192.0.2.1`) over IPv4.
    package init(family: IPAddressText.Family, kind: Kind = .datagram, v6Only: Bool = true,
                 label: String) throws(SystemError) {
        self.family = family
        self.label = label
        let type = Int32(kind == .datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
            | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let raw = socket(family == .ipv4 ? AF_INET : AF_INET6, type, 0)
        guard raw >= 0 else { throw SystemError("socket", address: label, code: errno) }
        descriptor = FileDescriptor(raw)
        if family == .ipv6 {
            var on: Int32 = v6Only ? 1 : 0
            guard setsockopt(raw, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw SystemError("setsockopt(IPV6_V6ONLY)", address: label, code: errno)
            }
        }
        let wildcard = SocketAddress(family: family, octets: Array(repeating: 0, count: family.octetCount), port: 0)
        guard wildcard.withSockAddr({ bind(raw, $0, $1) }) == 0 else {
            throw SystemError("bind", address: label, code: errno)
        }
    }

    /// Sends one datagram to `target`.
    package func send(_ bytes: [UInt8], to target: HostPort) throws(SystemError) {
        let address = SocketAddress(target)
        let sent = bytes.withUnsafeBytes { buffer in
            address.withSockAddr { sendto(descriptor.raw, buffer.baseAddress, buffer.count, 0, $0, $1) }
        }
        guard sent == bytes.count else { throw SystemError("sendto", address: label, code: errno) }
    }

    /// Reads the next waiting datagram into `buffer`: its length and source, or nil when none is waiting. An ICMP
    /// error that an earlier send queued (`ECONNREFUSED`) is skipped.
    package func receive(into buffer: inout [UInt8]) throws(SystemError) -> (count: Int, source: HostPort)? {
        while true {
            var source = SocketAddress()
            let count = buffer.withUnsafeMutableBytes { raw in
                source.withMutableSockAddr { recvfrom(descriptor.raw, raw.baseAddress, raw.count, 0, $0, $1) }
            }
            if count < 0 {
                if errno == EINTR || errno == ECONNREFUSED { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                throw SystemError("recvfrom", address: label, code: errno)
            }
            guard let from = source.hostPort else { continue }
            return (count, from)
        }
    }
}
