import DNSWire
import Glibc

/// A `sockaddr_in` or `sockaddr_in6` held in a `sockaddr_storage`, converted from and to `HostPort` and
/// `ListenAddress`.
package struct SocketAddress {
    package var storage = sockaddr_storage()
    package var length: socklen_t

    /// The socket address of an IP address and port.
    package init(family: IPAddressText.Family, octets: [UInt8], port: UInt16) {
        switch family {
        case .ipv4:
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &ipv4.sin_addr) { $0.copyBytes(from: octets) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: ipv4, as: sockaddr_in.self) }
        case .ipv6:
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &ipv6.sin6_addr) { $0.copyBytes(from: octets) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: ipv6, as: sockaddr_in6.self) }
        }
    }

    /// The socket address of a listen address.
    package init(_ address: ListenAddress) {
        self.init(family: address.family, octets: address.octets, port: address.port)
    }

    /// The socket address of `HOST:PORT`.
    package init(_ address: HostPort) {
        self.init(family: address.family, octets: address.octets, port: address.port)
    }

    /// An empty address for a system call to fill in.
    package init() {
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    }

    /// The address and port, or nil for a family other than IPv4 and IPv6.
    package var hostPort: HostPort? {
        withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET:
                let ipv4 = raw.load(as: sockaddr_in.self)
                let octets = withUnsafeBytes(of: ipv4.sin_addr) { Array($0) }
                return HostPort(family: .ipv4, octets: octets, port: UInt16(bigEndian: ipv4.sin_port))
            case AF_INET6:
                let ipv6 = raw.load(as: sockaddr_in6.self)
                let octets = withUnsafeBytes(of: ipv6.sin6_addr) { Array($0) }
                return HostPort(family: .ipv6, octets: octets, port: UInt16(bigEndian: ipv6.sin6_port))
            default:
                return nil
            }
        }
    }

    /// The address as a `ListenAddress`, or nil for a family other than IPv4 and IPv6.
    package var listenAddress: ListenAddress? {
        hostPort.map { ListenAddress(family: $0.family, octets: $0.octets, port: $0.port) }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    package func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Calls `body` with a mutable `sockaddr` pointer and length, for calls such as `getsockname`.
    package mutating func withMutableSockAddr<Result>(
        _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Result
    ) -> Result {
        var length = self.length
        let result = withUnsafeMutableBytes(of: &storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        self.length = length
        return result
    }
}
