import DNSWire

/// An IP address and port to serve DNS on, written `HOST:PORT` for IPv4 (`127.0.0.1:53`, `0.0.0.0:53`) and
/// `[HOST]:PORT` for IPv6 (`[::1]:53`, `[::]:53`). Only IP literals are accepted, never host names: a DNS
/// server must not depend on name resolution to start. Port 0 asks the system for an ephemeral port.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public typealias Family = IPAddressText.Family

    public let family: Family
    /// The address in network byte order: 4 octets for IPv4, 16 for IPv6.
    public let octets: [UInt8]
    public let port: UInt16

    /// Parses `HOST:PORT` or `[IPv6]:PORT`.
    public init(_ text: String) throws(ListenAddressError) {
        let parsed: HostPort
        do {
            parsed = try HostPort(text)
        } catch {
            throw ListenAddressError(input: text, reason: error.reason)
        }
        self.init(family: parsed.family, octets: parsed.octets, port: parsed.port)
    }

    /// Creates an address from its octets (4 for IPv4, 16 for IPv6).
    package init(family: Family, octets: [UInt8], port: UInt16) {
        precondition(octets.count == family.octetCount, "wrong address length")
        self.family = family
        self.octets = octets
        self.port = port
    }

    /// True for `0.0.0.0` and `::`, which accept traffic sent to any local address.
    public var isWildcard: Bool { octets.allSatisfy { $0 == 0 } }

    /// The address in its canonical text form, without brackets or port.
    public var host: String { IPAddressText.format(octets) }

    /// `127.0.0.1:53` or `[::1]:53`.
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }
}

/// A listen address that could not be parsed.
public struct ListenAddressError: Error, Equatable, CustomStringConvertible {
    /// The text as given.
    public let input: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "invalid listen address '\(input)': \(reason)" }
}
