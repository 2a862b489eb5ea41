import DNSWire

/// Reads the RDATA fields of one record in presentation form, or in the generic RFC 3597 form `\# length hex`.
enum RDataParser {
    /// The largest RDATA (RDLENGTH is 16 bits).
    static let maxRDataLength = 65535
    /// The `\#` that starts generic RDATA.
    private static let genericMarker: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "#")]

    /// Parses `fields` as the RDATA of `type`; relative names are appended to `origin`.
    static func parse(type: RecordType, fields: ArraySlice<Token>, origin: Name, line: Int) throws(FieldError) -> RData {
        if let first = fields.first, !first.quoted, first.bytes == genericMarker {
            return try generic(type: type, fields: fields.dropFirst(), line: line)
        }
        var reader = FieldReader(fields: fields, type: type, line: line)
        let rdata: RData
        switch type {
        case .a:
            let token = try reader.next("address")
            guard let bytes = IPAddressText.parseIPv4(token.bytes), !token.quoted else {
                throw FieldError("bad IPv4 address '\(FieldText.display(token))'", line: token.line)
            }
            rdata = .a(bytes)
        case .aaaa:
            let token = try reader.next("address")
            guard let bytes = IPAddressText.parseIPv6(token.bytes), !token.quoted else {
                throw FieldError("bad IPv6 address '\(FieldText.display(token))'", line: token.line)
            }
            rdata = .aaaa(bytes)
        case .ns: rdata = .ns(try reader.name("name server", origin))
        case .cname: rdata = .cname(try reader.name("target", origin))
        case .ptr: rdata = .ptr(try reader.name("target", origin))
        case .mx:
            let preference: UInt16 = try reader.number("preference")
            rdata = .mx(preference: preference, exchange: try reader.name("exchange", origin))
        case .soa: rdata = .soa(try soa(&reader, origin: origin))
        case .txt:
            var strings: [[UInt8]] = []
            while let token = reader.optionalNext() { strings.append(try FieldText.characterString(token)) }
            guard !strings.isEmpty else { throw FieldError("TXT needs at least one string", line: line) }
            rdata = .txt(strings)
        case .srv:
            let priority: UInt16 = try reader.number("priority")
            let weight: UInt16 = try reader.number("weight")
            let port: UInt16 = try reader.number("port")
            rdata = .srv(priority: priority, weight: weight, port: port, target: try reader.name("target", origin))
        case .caa: rdata = try caa(&reader)
        default:
            throw FieldError("type \(type) is only supported in the generic form '\\# length hex' (RFC 3597)", line: line)
        }
        try reader.finish()
        return try checkedSize(rdata, type: type, line: line)
    }

    private static func soa(_ reader: inout FieldReader, origin: Name) throws(FieldError) -> SOA {
        let mname = try reader.name("primary server", origin)
        let rname = try reader.name("mailbox", origin)
        let serial: UInt32 = try reader.number("serial")
        return SOA(mname: mname, rname: rname, serial: serial, refresh: try reader.interval("refresh"),
                   retry: try reader.interval("retry"), expire: try reader.interval("expire"),
                   minimum: try reader.interval("minimum"))
    }

    /// CAA (RFC 8659 section 4.1.1): flags, an alphanumeric tag and a value string.
    private static func caa(_ reader: inout FieldReader) throws(FieldError) -> RData {
        let flags: UInt8 = try reader.number("flags")
        let tagToken = try reader.next("tag")
        let tag = tagToken.bytes
        let alphanumeric = tag.allSatisfy { byte in
            (UInt8(ascii: "a") ... UInt8(ascii: "z")).contains(byte | 0x20)
                || (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte)
        }
        guard !tagToken.quoted, !tag.isEmpty, tag.count <= 255, alphanumeric else {
            throw FieldError("bad CAA tag '\(FieldText.display(tagToken))': expected letters and digits",
                             line: tagToken.line)
        }
        let valueToken = try reader.next("value")
        let value = try FieldText.characterString(valueToken, limit: maxRDataLength)
        return .caa(flags: flags, tag: tag, value: value)
    }

    /// `\# length hex...`: the hex may be split over fields; the octets are decoded with the wire codec, so
    /// `TYPE1 \# 4 0A000001` is the same record as `A 10.0.0.1`.
    private static func generic(type: RecordType, fields: ArraySlice<Token>, line: Int) throws(FieldError) -> RData {
        var reader = FieldReader(fields: fields, type: type, line: line)
        let length: UInt16 = try reader.number("RDATA length")
        var digits: [UInt8] = []
        while let token = reader.optionalNext() {
            for byte in token.bytes {
                guard !token.quoted, let digit = RDataParser.hexDigit(byte) else {
                    throw FieldError("bad hex '\(FieldText.display(token))' in generic RDATA", line: token.line)
                }
                digits.append(digit)
            }
        }
        guard digits.count % 2 == 0 else { throw FieldError("odd number of hex digits in generic RDATA", line: line) }
        let bytes = stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        guard bytes.count == Int(length) else {
            throw FieldError("generic RDATA length \(length) does not match the \(bytes.count) octets given", line: line)
        }
        let decoded: Result<RData, WireError> = bytes.withUnsafeBytes { buffer in
            var wire = WireReader(buffer)
            return Result { () throws(WireError) in try RData.read(type: type, length: bytes.count, from: &wire) }
        }
        switch decoded {
        case .success(let rdata): return try checkedSize(rdata, type: type, line: line)
        case .failure(let error): throw FieldError("generic RDATA is not valid \(type) data (\(error))", line: line)
        }
    }

    private static func checkedSize(_ rdata: RData, type: RecordType, line: Int) throws(FieldError) -> RData {
        guard rdataSize(rdata) <= maxRDataLength else {
            throw FieldError("\(type) RDATA is longer than \(maxRDataLength) octets", line: line)
        }
        return rdata
    }

    /// The uncompressed wire size, computed without encoding (names and strings are already bounded).
    private static func rdataSize(_ rdata: RData) -> Int {
        switch rdata {
        case .txt(let strings): strings.reduce(0) { $0 + 1 + $1.count }
        case .caa(_, let tag, let value): 2 + tag.count + value.count
        case .opaque(let bytes): bytes.count
        default: 0
        }
    }

    /// The value of one hex digit, or nil.
    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Hands out the RDATA fields of one record in order and reports missing or extra ones.
private struct FieldReader {
    var fields: ArraySlice<Token>
    let type: RecordType
    let line: Int

    mutating func optionalNext() -> Token? { fields.popFirst() }

    mutating func next(_ what: String) throws(FieldError) -> Token {
        guard let token = fields.popFirst() else { throw FieldError("\(type) is missing its \(what)", line: line) }
        return token
    }

    mutating func name(_ what: String, _ origin: Name) throws(FieldError) -> Name {
        try FieldText.name(try next(what), origin: origin)
    }

    mutating func number<T: FixedWidthInteger & UnsignedInteger>(_ what: String) throws(FieldError) -> T {
        try FieldText.number(try next(what), "\(type) \(what)")
    }

    /// An SOA timer: seconds or TTL units, up to 2^32-1.
    mutating func interval(_ what: String) throws(FieldError) -> UInt32 {
        let token = try next(what)
        switch TTLParser.parse(token.bytes, limit: UInt32.max) {
        case .success(let value): return value
        case .failure(let error): throw FieldError("bad SOA \(what): \(error.message)", line: token.line)
        }
    }

    func finish() throws(FieldError) {
        guard let extra = fields.first else { return }
        throw FieldError("\(type) has an extra field '\(FieldText.display(extra))'", line: extra.line)
    }
}
