import Glibc

/// The IP literal and port of a DNS server to query: a public resolver or WistDNS's own listener.
/// Only IP literals are accepted, never host names, so that naming a resolver never needs a resolver.
public struct ResolverAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// IPv4, 4 octets.
        case ipv4
        /// IPv6, 16 octets.
        case ipv6
    }

    /// The address family.
    public let family: Family
    /// The address in network byte order: 4 octets for IPv4, 16 for IPv6.
    public let octets: [UInt8]
    /// The UDP and TCP port.
    public let port: UInt16

    /// Parses `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53` or `::1` (a bare IPv6 literal takes `defaultPort`).
    /// Throws `ResolverAddressError` for host names, bad ports and anything else.
    public init(_ text: String, defaultPort: UInt16 = 53) throws {
        func fail(_ reason: String) -> ResolverAddressError { ResolverAddressError(input: text, reason: reason) }
        var host = Substring(text)
        var port = defaultPort
        var bracketed = false
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing ']' after the IPv6 address") }
            host = text[text.index(after: text.startIndex) ..< close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = ResolverAddress.parsePort(rest.dropFirst()) else {
                    throw fail("invalid port after ']'")
                }
                port = parsed
            }
            bracketed = true
        } else if let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon {
            host = text[..<colon]
            guard let parsed = ResolverAddress.parsePort(text[text.index(after: colon)...]) else {
                throw fail("invalid port (expected a number from 1 to 65535)")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw fail("missing address") }
        if !bracketed, let octets = ResolverAddress.parse(String(host), family: AF_INET, size: 4) {
            (family, self.octets, self.port) = (.ipv4, octets, port)
        } else if host.contains(":"), let octets = ResolverAddress.parse(String(host), family: AF_INET6, size: 16) {
            (family, self.octets, self.port) = (.ipv6, octets, port)
        } else {
            throw fail("'\(host)' is not an IP address (host names are not accepted)")
        }
    }

    /// An address from its octets; nil when the count does not fit the family.
    init?(family: Family, octets: [UInt8], port: UInt16) {
        guard octets.count == (family == .ipv4 ? 4 : 16) else { return nil }
        self.family = family
        self.octets = octets
        self.port = port
    }

    /// The same address on another port.
    func with(port: UInt16) -> ResolverAddress {
        ResolverAddress(family: family, octets: octets, port: port) ?? self
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch family {
        case .ipv4: octets.first == 127
        case .ipv6: octets.dropLast().allSatisfy { $0 == 0 } && octets.last == 1
        }
    }

    /// The address in canonical text, without brackets or port.
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let af = family == .ipv4 ? AF_INET : AF_INET6
        _ = octets.withUnsafeBytes { inet_ntop(af, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `127.0.0.1:53` or `[::1]:53`.
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }

    private static func parsePort(_ text: Substring) -> UInt16? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = UInt16(text), value > 0 else { return nil }
        return value
    }

    private static func parse(_ host: String, family: Int32, size: Int) -> [UInt8]? {
        var octets = [UInt8](repeating: 0, count: size)
        let result = octets.withUnsafeMutableBytes { inet_pton(family, host, $0.baseAddress) }
        return result == 1 ? octets : nil
    }
}

/// A resolver address that could not be parsed.
public struct ResolverAddressError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text as given.
    public let input: String
    /// What is wrong with it.
    public let reason: String

    /// `invalid resolver address '...': reason`.
    public var description: String { "invalid resolver address '\(input)': \(reason)" }
}
