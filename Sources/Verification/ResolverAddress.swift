import DNSWire

/// The IP literal and port of a DNS server to query: a public resolver or WistDNS's own listener.
/// Only IP literals are accepted, never host names, so that naming a resolver never needs a resolver.
public struct ResolverAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public typealias Family = IPAddressText.Family

    /// The address family.
    public let family: Family
    /// The address in network byte order: 4 octets for IPv4, 16 for IPv6.
    public let octets: [UInt8]
    /// The UDP and TCP port.
    public let port: UInt16

    /// Parses `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53` or `::1` (a bare IPv6 literal takes `defaultPort`).
    /// Throws `ResolverAddressError` for host names, bad ports and anything else.
    public init(_ text: String, defaultPort: UInt16 = 53) throws {
        let parsed: HostPort
        do {
            parsed = try HostPort(text, defaultPort: defaultPort, allowsPortZero: false)
        } catch {
            throw ResolverAddressError(input: text, reason: error.reason)
        }
        (family, octets, port) = (parsed.family, parsed.octets, parsed.port)
    }

    /// The address of a `HOST:PORT` already parsed (a NOTIFY target, asked as a secondary).
    public init(_ hostPort: HostPort) {
        (family, octets, port) = (hostPort.family, hostPort.octets, hostPort.port)
    }

    /// An address from its octets; nil when the count does not fit the family.
    init?(family: Family, octets: [UInt8], port: UInt16) {
        guard octets.count == family.octetCount else { return nil }
        self.family = family
        self.octets = octets
        self.port = port
    }

    /// The address and port as `HostPort`.
    var hostPort: HostPort { HostPort(family: family, octets: octets, port: port) }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch family {
        case .ipv4: octets.first == 127
        case .ipv6: octets.dropLast().allSatisfy { $0 == 0 } && octets.last == 1
        }
    }

    /// The address in canonical text, without brackets or port.
    public var host: String { IPAddressText.format(octets) }

    /// `127.0.0.1:53` or `[::1]:53`.
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
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
