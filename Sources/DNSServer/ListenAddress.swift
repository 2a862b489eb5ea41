import Glibc

/// An IP address and port to serve DNS on, written `HOST:PORT` for IPv4 (`127.0.0.1:53`, `0.0.0.0:53`) and
/// `[HOST]:PORT` for IPv6 (`[::1]:53`, `[::]:53`). Only IP literals are accepted, never host names: a DNS
/// server must not depend on name resolution to start. Port 0 asks the system for an ephemeral port.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public enum Family: Hashable, Sendable {
        case ipv4
        case ipv6
    }

    public let family: Family
    /// The address in network byte order: 4 octets for IPv4, 16 for IPv6.
    public let octets: [UInt8]
    public let port: UInt16

    /// Parses `HOST:PORT` or `[IPv6]:PORT`.
    public init(_ text: String) throws(ListenAddressError) {
        func fail(_ reason: String) -> ListenAddressError { ListenAddressError(input: text, reason: reason) }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing ']' after the IPv6 address") }
            host = text[text.index(after: text.startIndex) ..< close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("missing ':PORT' after ']'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw fail("missing port (expected HOST:PORT or [IPv6]:PORT)") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw fail("an IPv6 address must be written in brackets, as in [::1]:53") }
        }
        guard !host.isEmpty else { throw fail("missing address before the port") }
        guard let port = ListenAddress.parsePort(portText) else {
            throw fail("invalid port '\(portText)' (expected a number from 0 to 65535)")
        }
        if text.hasPrefix("[") {
            guard let octets = ListenAddress.parse(String(host), family: AF_INET6, size: 16) else {
                throw fail("'\(host)' is not an IPv6 address")
            }
            self.init(family: .ipv6, octets: octets, port: port)
        } else {
            guard let octets = ListenAddress.parse(String(host), family: AF_INET, size: 4) else {
                throw fail("'\(host)' is not an IPv4 address (host names are not accepted)")
            }
            self.init(family: .ipv4, octets: octets, port: port)
        }
    }

    /// Creates an address from its octets (4 for IPv4, 16 for IPv6).
    init(family: Family, octets: [UInt8], port: UInt16) {
        precondition(octets.count == (family == .ipv4 ? 4 : 16), "wrong address length")
        self.family = family
        self.octets = octets
        self.port = port
    }

    /// True for `0.0.0.0` and `::`, which accept traffic sent to any local address.
    public var isWildcard: Bool { octets.allSatisfy { $0 == 0 } }

    /// The address in its canonical text form, without brackets or port.
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
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt16(text)
    }

    private static func parse(_ host: String, family: Int32, size: Int) -> [UInt8]? {
        var octets = [UInt8](repeating: 0, count: size)
        let result = octets.withUnsafeMutableBytes { inet_pton(family, host, $0.baseAddress) }
        return result == 1 ? octets : nil
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
