/// An IP literal and a port in text: `192.0.2.1:53` for IPv4, `[2001:db8::1]:53` for IPv6 and, when a default
/// port is given, a bare `192.0.2.1`, `[::1]` or `::1`. Host names are never accepted.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public let family: IPAddressText.Family
    /// The address in network byte order: 4 octets for IPv4, 16 for IPv6.
    public let octets: [UInt8]
    /// The port.
    public let port: UInt16

    /// Splits and parses `text`. Without `defaultPort` the port is required; `allowsPortZero` decides whether
    /// port 0 (an ephemeral port when listening) is valid. Throws `HostPortError` with a reason such as
    /// `missing port (expected HOST:PORT or [IPv6]:PORT)` or `'x' is not an IPv4 address (host names are not accepted)`.
    public init(_ text: String, defaultPort: UInt16? = nil, allowsPortZero: Bool = true) throws(HostPortError) {
        func fail(_ reason: String) -> HostPortError { HostPortError(reason: reason) }
        let host: Substring
        var portText: Substring?
        let family: IPAddressText.Family
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing ']' after the IPv6 address") }
            host = text[text.index(after: text.startIndex) ..< close]
            let rest = text[text.index(after: close)...]
            if !(rest.isEmpty && defaultPort != nil) {
                guard rest.hasPrefix(":") else { throw fail("missing ':PORT' after ']'") }
                portText = rest.dropFirst()
            }
            family = .ipv6
        } else if let colon = text.lastIndex(of: ":"), defaultPort == nil || text.firstIndex(of: ":") == colon {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw fail("an IPv6 address must be written in brackets, as in [::1]:53") }
            family = .ipv4
        } else {
            guard defaultPort != nil else { throw fail("missing port (expected HOST:PORT or [IPv6]:PORT)") }
            host = Substring(text)
            family = text.contains(":") ? .ipv6 : .ipv4
        }
        guard !host.isEmpty else { throw fail(portText == nil ? "missing address" : "missing address before the port") }
        var port = defaultPort ?? 0
        if let portText {
            guard let parsed = HostPort.parsePort(portText), parsed > 0 || allowsPortZero else {
                throw fail("invalid port '\(portText)' (expected a number from \(allowsPortZero ? 0 : 1) to 65535)")
            }
            port = parsed
        }
        guard let octets = IPAddressText.parse(host, family: family) else {
            throw fail(family == .ipv4 ? "'\(host)' is not an IPv4 address (host names are not accepted)"
                                       : "'\(host)' is not an IPv6 address")
        }
        self.init(family: family, octets: octets, port: port)
    }

    /// An address from its octets, which must number 4 for IPv4 and 16 for IPv6.
    public init(family: IPAddressText.Family, octets: [UInt8], port: UInt16) {
        precondition(octets.count == family.octetCount, "wrong address length")
        self.family = family
        self.octets = octets
        self.port = port
    }

    /// The address in its canonical text form, without brackets or port (`::1`).
    public var host: String { IPAddressText.format(octets) }

    /// `127.0.0.1:53` or `[::1]:53`.
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }

    /// 1 to 5 ASCII digits with a value up to 65535.
    private static func parsePort(_ text: Substring) -> UInt16? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt16(text)
    }
}

/// Why a `HostPort` text could not be parsed.
public struct HostPortError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the text, for example `missing ']' after the IPv6 address`.
    public let reason: String

    /// The reason.
    public var description: String { reason }
}
