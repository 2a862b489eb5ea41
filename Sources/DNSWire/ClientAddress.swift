/// The address a query came from, held inline in two words so the UDP path can carry it without allocating.
/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, from a dual-stack listener) are the IPv4 address.
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 octets of an IPv6 address, big-endian; 0 for IPv4.
    public private(set) var high: UInt64
    /// The last 8 octets of an IPv6 address, or the IPv4 address in the low 32 bits, big-endian.
    public private(set) var low: UInt64
    public let isIPv4: Bool

    /// An address of 4 octets (IPv4) or 16 (IPv6); nil for any other count.
    public init?(octets: [UInt8]) {
        guard let address = octets.withUnsafeBytes({ ClientAddress(raw: $0) }) else { return nil }
        self = address
    }

    /// An address from 4 or 16 octets in memory, without allocating; nil for any other count.
    public init?(raw bytes: UnsafeRawBufferPointer) {
        func word(_ range: Range<Int>) -> UInt64 { bytes[range].reduce(0) { $0 << 8 | UInt64($1) } }
        switch bytes.count {
        case 4:
            self.init(high: 0, low: word(0 ..< 4), isIPv4: true)
        case 16:
            let high = word(0 ..< 8), low = word(8 ..< 16)
            if high == 0 && low >> 32 == 0xFFFF {
                self.init(high: 0, low: low & 0xFFFF_FFFF, isIPv4: true)
            } else {
                self.init(high: high, low: low, isIPv4: false)
            }
        default:
            return nil
        }
    }

    /// An address from its two words (see `high` and `low`).
    public init(high: UInt64, low: UInt64, isIPv4: Bool) {
        self.high = isIPv4 ? 0 : high
        self.low = isIPv4 ? low & 0xFFFF_FFFF : low
        self.isIPv4 = isIPv4
    }

    /// The address with every bit after the first `prefixLength` cleared (its network).
    public func network(prefixLength: Int) -> ClientAddress {
        if isIPv4 {
            let bits = min(max(prefixLength, 0), 32)
            let mask: UInt64 = bits == 0 ? 0 : (0xFFFF_FFFF << (32 - bits)) & 0xFFFF_FFFF
            return ClientAddress(high: 0, low: low & mask, isIPv4: true)
        }
        let bits = min(max(prefixLength, 0), 128)
        let highMask: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : .max << (64 - bits))
        let lowMask: UInt64 = bits <= 64 ? 0 : (bits == 128 ? .max : .max << (128 - bits))
        return ClientAddress(high: high & highMask, low: low & lowMask, isIPv4: false)
    }

    /// The octets: 4 for IPv4, 16 for IPv6.
    public var octets: [UInt8] {
        if isIPv4 { return (0 ..< 4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) } }
        return (0 ..< 8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0 ..< 8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String { IPAddressText.format(octets) }
}

/// A network: an address and a prefix length, written `192.0.2.0/24`, `2001:db8::/32`, or a bare address (the
/// whole address). Used for lists such as the rate limiter's exemptions.
public struct AddressPrefix: Hashable, Sendable, CustomStringConvertible {
    public let network: ClientAddress
    public let length: Int

    /// Parses `ADDRESS[/LENGTH]`; nil when the address or the length is not valid for its family.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let family: IPAddressText.Family = parts[0].contains(":") ? .ipv6 : .ipv4
        guard let octets = IPAddressText.parse(parts[0], family: family),
              let address = ClientAddress(octets: octets) else { return nil }
        let maximum = family == .ipv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0 ... maximum).contains(value), parts[1].allSatisfy(\.isNumber)
            else { return nil }
            length = value
        }
        // An IPv4-mapped IPv6 prefix is an IPv4 prefix.
        if family == .ipv6 && address.isIPv4 { length = max(0, length - 96) }
        self.network = address.network(prefixLength: length)
        self.length = length
    }

    /// Whether `address` is in this network.
    public func contains(_ address: ClientAddress) -> Bool {
        address.isIPv4 == network.isIPv4 && address.network(prefixLength: length) == network
    }

    public var description: String { "\(network)/\(length)" }
}
