import DNSWire

/// Turns single fields into values: names, numbers and character-strings.
enum FieldText {
    /// The largest character-string (RFC 1035 section 3.3).
    static let maxStringLength = 255

    /// The field as text for display in messages.
    static func display(_ token: Token) -> String {
        String(decoding: token.bytes, as: UTF8.self)
    }

    /// A domain name; relative names are appended to `origin` and `@` is `origin`. Bytes above 0x7F stand for
    /// themselves, as their `\DDD` escapes would, so that names which are not UTF-8 keep their exact bytes.
    static func name(_ token: Token, origin: Name) throws(FieldError) -> Name {
        do {
            return try Name(presentation: token.bytes, origin: origin)
        } catch {
            throw FieldError("bad name '\(display(token))' (\(reason(error.kind)))", line: token.line)
        }
    }

    private static func reason(_ kind: WireError.Kind) -> String {
        switch kind {
        case .badLabel: "empty label or label over 63 octets"
        case .nameTooLong: "name over 255 octets"
        default: "bad escape"
        }
    }

    /// An unsigned decimal number of type `T`.
    static func number<T: FixedWidthInteger & UnsignedInteger>(_ token: Token, _ field: String) throws(FieldError) -> T {
        var value: T = 0
        guard !token.quoted, !token.bytes.isEmpty, token.bytes.count <= 20 else { throw badNumber(token, field, T.self) }
        for byte in token.bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw badNumber(token, field, T.self) }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(T(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw badNumber(token, field, T.self) }
            value = sum
        }
        return value
    }

    private static func badNumber<T: FixedWidthInteger>(_ token: Token, _ field: String, _: T.Type) -> FieldError {
        FieldError("bad \(field) '\(display(token))': expected a number from 0 to \(T.max)", line: token.line)
    }

    /// A character-string with `\X` and `\DDD` escapes resolved, at most `limit` octets long.
    static func characterString(_ token: Token, limit: Int = maxStringLength) throws(FieldError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(token.bytes.count)
        let bytes = token.bytes
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                result.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { throw FieldError("escape '\\' at the end of a string", line: token.line) }
            let next = bytes[index + 1]
            if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") {
                guard let value = Name.decimalEscape(bytes, at: index + 1) else {
                    throw FieldError("bad escape in '\(display(token))': \\DDD needs three digits up to 255",
                                     line: token.line)
                }
                result.append(value)
                index += 4
            } else {
                result.append(next)
                index += 2
            }
        }
        guard result.count <= limit else {
            throw FieldError("string of \(result.count) octets is longer than \(limit)", line: token.line)
        }
        return result
    }
}
