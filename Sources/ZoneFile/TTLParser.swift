/// Reads TTL values: plain seconds (`3600`) or BIND's unit form (`1h`, `2d`, `1w2d3h30m10s`, any case).
enum TTLParser {
    /// The largest TTL a record may have (RFC 2181 section 8).
    static let maxRecordTTL: UInt32 = 0x7FFF_FFFF

    /// True when `bytes` looks like a TTL (starts with a digit), as opposed to a class or a type.
    static func looksLikeTTL(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
    }

    /// Parses a TTL of at most `limit` seconds. Each unit may appear once; a number without a unit is allowed
    /// only on its own.
    static func parse(_ bytes: [UInt8], limit: UInt32 = maxRecordTTL) -> Result<UInt32, FieldError> {
        let text = String(decoding: bytes, as: UTF8.self)
        var total: UInt64 = 0
        var number: UInt64? = nil
        var seenUnits: Set<UInt8> = []
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                number = (number ?? 0) * 10 + UInt64(byte - UInt8(ascii: "0"))
                guard let value = number, value <= UInt64(UInt32.max) else {
                    return .failure(FieldError("TTL '\(text)' is too large"))
                }
                continue
            }
            let unit = byte | 0x20
            guard let value = number, let seconds = unitSeconds(unit), seenUnits.insert(unit).inserted else {
                return .failure(FieldError("bad TTL '\(text)'"))
            }
            total += value * seconds
            number = nil
            guard total <= UInt64(UInt32.max) else { return .failure(FieldError("TTL '\(text)' is too large")) }
        }
        if let number {
            guard seenUnits.isEmpty else { return .failure(FieldError("bad TTL '\(text)': a number without a unit")) }
            total = number
        } else if seenUnits.isEmpty {
            return .failure(FieldError("bad TTL '\(text)'"))
        }
        guard total <= UInt64(limit) else { return .failure(FieldError("TTL '\(text)' is above the maximum \(limit)")) }
        return .success(UInt32(total))
    }

    private static func unitSeconds(_ unit: UInt8) -> UInt64? {
        switch unit {
        case UInt8(ascii: "s"): 1
        case UInt8(ascii: "m"): 60
        case UInt8(ascii: "h"): 3600
        case UInt8(ascii: "d"): 86400
        case UInt8(ascii: "w"): 604_800
        default: nil
        }
    }
}
