/// IPv4 and IPv6 addresses in text form: a strict parser (accepting exactly what `inet_pton` accepts) and the
/// canonical formatter (what `inet_ntop` writes). Pure Swift, so the codec needs no C library.
public enum IPAddressText {
    /// An address family.
    public enum Family: Hashable, Sendable {
        /// IPv4, 4 octets.
        case ipv4
        /// IPv6, 16 octets.
        case ipv6

        /// The number of octets of an address of this family.
        public var octetCount: Int { self == .ipv4 ? 4 : 16 }
    }

    /// Dotted-quad IPv4 (`192.0.2.1`): four decimal parts of 0-255 without leading zeros. Returns 4 octets in
    /// network order, or nil.
    public static func parseIPv4<C: Collection<UInt8>>(_ text: C) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(4)
        var value = 0
        var digits = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, result.count < 3 else { return nil }
                result.append(UInt8(value))
                value = 0
                digits = 0
                continue
            }
            // A part that is `0` may not go on: no leading zeros.
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), !(digits > 0 && value == 0) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            guard value <= 255 else { return nil }
        }
        guard digits > 0, result.count == 3 else { return nil }
        result.append(UInt8(value))
        return result
    }

    /// IPv6 (RFC 4291 section 2.2): eight groups of 1-4 hex digits, one `::` for a run of zero groups, and
    /// optionally an IPv4 address as the last 32 bits (`::ffff:192.0.2.1`). Returns 16 octets, or nil.
    public static func parseIPv6<C: Collection<UInt8>>(_ text: C) -> [UInt8]? {
        let text = Array(text)
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        var index = 0
        if text.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            compressed = true
            index = 2
        }
        while index < text.count {
            let start = index
            while index < text.count, text[index] != UInt8(ascii: ":") { index += 1 }
            let part = text[start ..< index]
            if part.contains(UInt8(ascii: ".")) {
                guard index == text.count, let v4 = parseIPv4(part) else { return nil }
                let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if compressed { tail += groups } else { head += groups }
                break
            }
            guard let group = hexGroup(part) else { return nil }
            if compressed { tail.append(group) } else { head.append(group) }
            guard index < text.count else { break }
            index += 1
            if index < text.count, text[index] == UInt8(ascii: ":") {
                guard !compressed else { return nil }
                compressed = true
                index += 1
            } else if index == text.count {
                return nil
            }
        }
        let count = head.count + tail.count
        guard compressed ? count <= 7 : count == 8 else { return nil }
        let groups = head + Array(repeating: 0, count: 8 - count) + tail
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Parses `text` as an address of `family`; nil when it is not one.
    public static func parse(_ text: some StringProtocol, family: Family) -> [UInt8]? {
        family == .ipv4 ? parseIPv4(text.utf8) : parseIPv6(text.utf8)
    }

    /// The canonical text of 4 octets (`192.0.2.1`) or 16 octets (RFC 5952, `2001:db8::1`, through
    /// `RDataText.formatIPv6`), written as `inet_ntop` does: IPv4-mapped and IPv4-compatible IPv6 addresses
    /// end in dotted-quad form (`::ffff:192.0.2.1`). Any other length gives an empty string.
    public static func format(_ octets: [UInt8]) -> String {
        switch octets.count {
        case 4:
            return octets.map(String.init).joined(separator: ".")
        case 16:
            let zeros = octets.prefix(10).allSatisfy { $0 == 0 }
            if zeros, octets[10] == 0xFF, octets[11] == 0xFF {
                return "::ffff:" + format(Array(octets.suffix(4)))
            }
            if zeros, octets[10] == 0, octets[11] == 0, octets[12] != 0 || octets[13] != 0 {
                return "::" + format(Array(octets.suffix(4)))
            }
            return RDataText.formatIPv6(octets)
        default:
            return ""
        }
    }

    private static func hexGroup(_ part: ArraySlice<UInt8>) -> UInt16? {
        guard (1 ... 4).contains(part.count) else { return nil }
        var value: UInt16 = 0
        for byte in part {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
