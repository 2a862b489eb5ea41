import Glibc

/// Conversions between `ResolverAddress` and the C socket address structures.
enum SocketAddress {
    /// The `sockaddr_in`/`sockaddr_in6` for an address, in a `sockaddr_storage`, with its length.
    static func make(_ address: ResolverAddress) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        switch address.family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address.octets) }
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: sin) { dst.copyMemory(from: $0) } }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address.octets) }
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: sin6) { dst.copyMemory(from: $0) } }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }

    /// The wildcard address of the same family on port 0: the system picks a random source port.
    static func anyPort(like address: ResolverAddress) -> (sockaddr_storage, socklen_t) {
        let zeros = [UInt8](repeating: 0, count: address.family == .ipv4 ? 4 : 16)
        let any = ResolverAddress(family: address.family, octets: zeros, port: 0) ?? address
        return make(any)
    }

    /// The address a datagram came from, or nil for a family other than IPv4/IPv6.
    static func read(_ storage: sockaddr_storage) -> ResolverAddress? {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &copy) { raw in
                let sin = raw.loadUnaligned(as: sockaddr_in.self)
                let octets = withUnsafeBytes(of: sin.sin_addr) { Array($0) }
                return ResolverAddress(family: .ipv4, octets: octets, port: UInt16(bigEndian: sin.sin_port))
            }
        case AF_INET6:
            return withUnsafeBytes(of: &copy) { raw in
                let sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                let octets = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
                return ResolverAddress(family: .ipv6, octets: octets, port: UInt16(bigEndian: sin6.sin6_port))
            }
        default:
            return nil
        }
    }
}
