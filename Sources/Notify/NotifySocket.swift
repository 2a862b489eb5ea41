import DNSWire
import Platform
import Glibc

/// A non-blocking UDP socket of one address family, bound to the wildcard address on a port the system picks,
/// from which NOTIFYs leave and on which their answers arrive.
struct NotifySocket {
    let family: IPAddressText.Family
    let descriptor: FileDescriptor

    /// Opens and binds the socket (an IPv6 one is IPv6 only). Errors name the system call.
    init(family: IPAddressText.Family) throws(SystemError) {
        self.family = family
        let label = "notify/\(family == .ipv4 ? "udp4" : "udp6")"
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let raw = socket(family == .ipv4 ? AF_INET : AF_INET6, type, 0)
        guard raw >= 0 else { throw SystemError("socket", address: label, code: errno) }
        descriptor = FileDescriptor(raw)
        if family == .ipv6 {
            var on: Int32 = 1
            guard setsockopt(raw, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw SystemError("setsockopt(IPV6_V6ONLY)", address: label, code: errno)
            }
        }
        let wildcard = ListenAddress(family: family == .ipv4 ? .ipv4 : .ipv6,
                                     octets: Array(repeating: 0, count: family.octetCount), port: 0)
        guard SocketAddress(wildcard).withSockAddr({ bind(raw, $0, $1) }) == 0 else {
            throw SystemError("bind", address: label, code: errno)
        }
    }

    /// Sends one datagram to `target`; returns the errno text when the system refuses it.
    func send(_ bytes: [UInt8], to target: HostPort) -> String? {
        let address = SocketAddress(ListenAddress(family: target.family == .ipv4 ? .ipv4 : .ipv6,
                                                  octets: target.octets, port: target.port))
        let sent = bytes.withUnsafeBytes { buffer in
            address.withSockAddr { sendto(descriptor.raw, buffer.baseAddress, buffer.count, 0, $0, $1) }
        }
        return sent == bytes.count ? nil : String(cString: strerror(errno))
    }

    /// The next waiting datagram and its source; nil when none is waiting.
    func receive(into buffer: inout [UInt8]) -> ([UInt8], HostPort)? {
        while true {
            var source = SocketAddress()
            let count = buffer.withUnsafeMutableBytes { raw in
                source.withMutableSockAddr { recvfrom(descriptor.raw, raw.baseAddress, raw.count, 0, $0, $1) }
            }
            if count < 0 {
                // An ICMP error queued by an earlier send surfaces here on some systems: skip it.
                if errno == EINTR || errno == ECONNREFUSED { continue }
                return nil
            }
            guard let from = source.listenAddress else { continue }
            let family: IPAddressText.Family = from.family == .ipv4 ? .ipv4 : .ipv6
            return (Array(buffer.prefix(count)), HostPort(family: family, octets: from.octets, port: from.port))
        }
    }
}
