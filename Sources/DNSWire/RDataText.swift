/// Presentation format of RDATA, as `dig` and master files show it.
public enum RDataText {
    /// Formats `rdata` of record type `type`. Opaque data uses the RFC 3597 `\# length hex` form.
    public static func format(_ rdata: RData, type: RecordType) -> String {
        switch rdata {
        case .a(let bytes):
            return bytes.map(String.init).joined(separator: ".")
        case .aaaa(let bytes):
            return formatIPv6(bytes)
        case .ns(let name), .cname(let name), .ptr(let name):
            return name.description
        case .soa(let soa):
            return "\(soa.mname) \(soa.rname) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .mx(let preference, let exchange):
            return "\(preference) \(exchange)"
        case .txt(let strings):
            return strings.map(quoted).joined(separator: " ")
        case .srv(let priority, let weight, let port, let target):
            return "\(priority) \(weight) \(port) \(target)"
        case .caa(let flags, let tag, let value):
            return "\(flags) \(String(decoding: tag, as: UTF8.self)) \(quoted(value))"
        case .opaque(let bytes):
            let hex = bytes.map { byte in
                let digits = String(byte, radix: 16, uppercase: true)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
            return bytes.isEmpty ? "\\# 0" : "\\# \(bytes.count) \(hex)"
        }
    }

    /// A character-string in double quotes with `"` and `\` escaped and non-printable octets as `\DDD`.
    public static func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                text.append("\\")
                text.append(Character(Unicode.Scalar(byte)))
            case 0x20 ... 0x7E:
                text.append(Character(Unicode.Scalar(byte)))
            default:
                text.append(Name.decimalEscapeText(byte))
            }
        }
        return text + "\""
    }

    /// RFC 5952 text form of a 16-octet IPv6 address (longest run of zero groups as `::`).
    public static func formatIPv6(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "" }
        let groups = (0 ..< 8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0 ... 8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength && index - runStart > 1 { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String { range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0 ..< 8) }
        return hex(0 ..< bestStart) + "::" + hex((bestStart + bestLength) ..< 8)
    }
}
