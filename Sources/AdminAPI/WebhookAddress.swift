import Foundation
import Verification
#if canImport(Glibc)
import Glibc
#endif

/// The addresses of a webhook receiver's host, to hold them to `ProbeTargets` before a message is sent.
enum WebhookAddress {
    /// The address of a host that is an IP literal (IPv6 with or without brackets), or nil for a name.
    static func literal(_ host: String) -> ResolverAddress? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try? ResolverAddress(bare, defaultPort: 443)
    }

    /// Every address `host` has: itself when it is a literal, else what the system resolver says (nil when it
    /// cannot resolve it).
    static func resolve(_ host: String) -> [ResolverAddress]? {
        if let literal = literal(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var addresses: [ResolverAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let socket = current.pointee.ai_addr {
                switch Int32(socket.pointee.sa_family) {
                case AF_INET:
                    let octets = socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                    }
                    if let address = literal(octets.map(String.init).joined(separator: ".")) { addresses.append(address) }
                case AF_INET6:
                    let octets = socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                    }
                    if let address = literal(ipv6Text(octets)) { addresses.append(address) }
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    private static func ipv6Text(_ octets: [UInt8]) -> String {
        stride(from: 0, to: 16, by: 2).map { String(UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
