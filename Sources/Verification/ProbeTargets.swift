import DNSWire

/// Which addresses an outbound probe may send to.
///
/// The delegation probe sends queries to addresses it found in DNS data (the parent zone's nameservers), and a
/// customer can control that data: a customer who owns the parent zone can point its nameservers at
/// `10.0.0.1`, `169.254.169.254` or `127.0.0.1` and make WistDNS send packets into the operator's own network.
/// So by default a probe sends only to globally routable unicast addresses.
public enum ProbeTargets: Sendable, Equatable {
    /// Only loopback addresses: every configured resolver is on loopback (a test world), so nothing is sent off
    /// the machine.
    case loopbackOnly
    /// Only globally routable unicast addresses (the default with public resolvers).
    case publicOnly
    /// Any address (the operator's explicit choice, for a private parent zone on an internal network).
    case any

    /// The policy for these resolvers: `any` when the operator allows private addresses, `loopbackOnly` when
    /// every resolver is on loopback, else `publicOnly`.
    public static func forResolvers(_ resolvers: [ResolverAddress], allowPrivate: Bool) -> ProbeTargets {
        if allowPrivate { return .any }
        return !resolvers.isEmpty && resolvers.allSatisfy(\.isLoopback) ? .loopbackOnly : .publicOnly
    }

    /// True when a probe may send to `address`.
    public func allows(_ address: ResolverAddress) -> Bool {
        switch self {
        case .loopbackOnly: address.isLoopback
        case .publicOnly: SpecialAddresses.isGlobalUnicast(address.octets)
        case .any: true
        }
    }
}

/// The IANA special-purpose address registries (RFC 6890 and later) as a test: is an address a globally routable
/// unicast address that a probe may reach on the public internet?
public enum SpecialAddresses {
    /// IPv4 blocks that are not globally routable unicast: "this network", private (RFC 1918), shared
    /// (RFC 6598), loopback, link-local, IETF protocol assignments, the documentation networks, the deprecated
    /// 6to4 relay anycast, benchmarking, multicast, and the reserved 240/4 with the limited broadcast.
    static let ipv4 = prefixes([
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    ])

    /// Global unicast IPv6 (RFC 4291); everything outside it (loopback, unspecified, NAT64, discard, ULA
    /// fc00::/7, link-local fe80::/10, multicast ff00::/8, ...) is refused.
    static let ipv6GlobalUnicast = prefixes(["2000::/3"])[0]

    /// Blocks inside 2000::/3 that are not to be probed: IETF protocol assignments (with Teredo and
    /// benchmarking), documentation (2001:db8::/32, 3fff::/20) and 6to4 (which can wrap a private IPv4 address).
    static let ipv6Excluded = prefixes(["2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20"])

    /// True for a globally routable unicast address: IPv4 (an IPv4-mapped IPv6 address counts as its IPv4
    /// address) outside the special blocks, IPv6 inside 2000::/3 outside the excluded blocks.
    public static func isGlobalUnicast(_ octets: [UInt8]) -> Bool {
        guard let address = ClientAddress(octets: octets) else { return false }
        if address.isIPv4 { return !ipv4.contains { $0.contains(address) } }
        return ipv6GlobalUnicast.contains(address) && !ipv6Excluded.contains { $0.contains(address) }
    }

    private static func prefixes(_ texts: [String]) -> [AddressPrefix] {
        texts.map { AddressPrefix($0)! }
    }
}
