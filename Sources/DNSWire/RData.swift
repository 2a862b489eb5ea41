/// The start of authority fields (RFC 1035 section 3.3.13).
public struct SOA: Hashable, Sendable {
    public var mname: Name
    public var rname: Name
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// The negative-caching TTL (RFC 2308 section 4).
    public var minimum: UInt32

    public init(mname: Name, rname: Name, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32,
                minimum: UInt32) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// Record data. Types whose layout WistDNS knows are decoded; any other type is kept verbatim (RFC 3597),
/// and the record's `type` says what it is.
public enum RData: Hashable, Sendable {
    case a([UInt8])
    case aaaa([UInt8])
    case ns(Name)
    case cname(Name)
    case ptr(Name)
    case soa(SOA)
    case mx(preference: UInt16, exchange: Name)
    /// One or more character-strings of at most 255 octets each.
    case txt([[UInt8]])
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: Name)
    case caa(flags: UInt8, tag: [UInt8], value: [UInt8])
    /// RDATA of a type not decoded here, as it was on the wire.
    case opaque([UInt8])

    /// Decodes `length` octets of RDATA of type `type` at the reader's offset. Names may be compressed
    /// (pointers resolve against the whole message); the RDATA must be consumed exactly.
    public static func read(type: RecordType, length: Int, from reader: inout WireReader) throws(WireError) -> RData {
        let start = reader.offset
        guard length <= reader.remaining else { throw WireError(.truncated, field: "rdata", offset: start) }
        let end = start + length
        let data: RData
        switch type {
        case .a:
            guard length == 4 else { throw WireError(.badRData, field: "A", offset: start) }
            data = .a(try reader.readBytes(4, "A"))
        case .aaaa:
            guard length == 16 else { throw WireError(.badRData, field: "AAAA", offset: start) }
            data = .aaaa(try reader.readBytes(16, "AAAA"))
        case .ns: data = .ns(try reader.readName("NS"))
        case .cname: data = .cname(try reader.readName("CNAME"))
        case .ptr: data = .ptr(try reader.readName("PTR"))
        case .soa:
            let mname = try reader.readName("SOA mname")
            let rname = try reader.readName("SOA rname")
            data = .soa(SOA(mname: mname, rname: rname, serial: try reader.readUInt32("SOA serial"),
                            refresh: try reader.readUInt32("SOA refresh"), retry: try reader.readUInt32("SOA retry"),
                            expire: try reader.readUInt32("SOA expire"), minimum: try reader.readUInt32("SOA minimum")))
        case .mx:
            let preference = try reader.readUInt16("MX preference")
            data = .mx(preference: preference, exchange: try reader.readName("MX exchange"))
        case .txt:
            guard length > 0 else { throw WireError(.badRData, field: "TXT", offset: start) }
            var strings: [[UInt8]] = []
            while reader.offset < end {
                let count = Int(try reader.readUInt8("TXT length"))
                guard reader.offset + count <= end else { throw WireError(.badRData, field: "TXT", offset: reader.offset) }
                strings.append(try reader.readBytes(count, "TXT"))
            }
            data = .txt(strings)
        case .srv:
            let priority = try reader.readUInt16("SRV priority")
            let weight = try reader.readUInt16("SRV weight")
            let port = try reader.readUInt16("SRV port")
            data = .srv(priority: priority, weight: weight, port: port, target: try reader.readName("SRV target"))
        case .caa:
            let flags = try reader.readUInt8("CAA flags")
            let tagLength = Int(try reader.readUInt8("CAA tag length"))
            guard tagLength > 0, reader.offset + tagLength <= end else {
                throw WireError(.badRData, field: "CAA", offset: reader.offset)
            }
            let tag = try reader.readBytes(tagLength, "CAA tag")
            data = .caa(flags: flags, tag: tag, value: try reader.readBytes(end - reader.offset, "CAA value"))
        default:
            data = .opaque(try reader.readBytes(length, "rdata"))
        }
        guard reader.offset == end else { throw WireError(.badRData, field: "\(type)", offset: start) }
        return data
    }

    /// Hashes octet strings in one call each, not octet by octet as the synthesized conformance does (a zone's
    /// records are hashed as it is read and checked: a DKIM key's TXT is 400 octets).
    public func hash(into hasher: inout Hasher) {
        func combine(_ bytes: [UInt8]) {
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        switch self {
        case .a(let bytes): hasher.combine(1 as UInt8); combine(bytes)
        case .aaaa(let bytes): hasher.combine(28 as UInt8); combine(bytes)
        case .ns(let name): hasher.combine(2 as UInt8); hasher.combine(name)
        case .cname(let name): hasher.combine(5 as UInt8); hasher.combine(name)
        case .ptr(let name): hasher.combine(12 as UInt8); hasher.combine(name)
        case .soa(let soa): hasher.combine(6 as UInt8); hasher.combine(soa)
        case .mx(let preference, let exchange):
            hasher.combine(15 as UInt8)
            hasher.combine(preference)
            hasher.combine(exchange)
        case .txt(let strings):
            hasher.combine(16 as UInt8)
            hasher.combine(strings.count)
            for string in strings { combine(string) }
        case .srv(let priority, let weight, let port, let target):
            hasher.combine(33 as UInt8)
            hasher.combine(priority)
            hasher.combine(weight)
            hasher.combine(port)
            hasher.combine(target)
        case .caa(let flags, let tag, let value):
            hasher.combine(257 as UInt16)
            hasher.combine(flags)
            combine(tag)
            combine(value)
        case .opaque(let bytes): hasher.combine(0 as UInt8); combine(bytes)
        }
    }

    /// Writes the RDATA (without RDLENGTH). Names in NS, CNAME, PTR, SOA and MX may be compressed
    /// (RFC 3597 section 4); all others are written in full.
    public func write(to writer: inout MessageWriter) {
        switch self {
        case .a(let bytes), .aaaa(let bytes), .opaque(let bytes):
            writer.append(bytes)
        case .ns(let name), .cname(let name), .ptr(let name):
            writer.writeName(name, compress: true)
        case .soa(let soa):
            writer.writeName(soa.mname, compress: true)
            writer.writeName(soa.rname, compress: true)
            // Five stores, not a loop over an array literal: that array was allocated for every SOA written.
            writer.appendUInt32(soa.serial)
            writer.appendUInt32(soa.refresh)
            writer.appendUInt32(soa.retry)
            writer.appendUInt32(soa.expire)
            writer.appendUInt32(soa.minimum)
        case .mx(let preference, let exchange):
            writer.appendUInt16(preference)
            writer.writeName(exchange, compress: true)
        case .txt(let strings):
            for string in strings {
                writer.appendUInt8(UInt8(string.count))
                writer.append(string)
            }
        case .srv(let priority, let weight, let port, let target):
            writer.appendUInt16(priority)
            writer.appendUInt16(weight)
            writer.appendUInt16(port)
            writer.writeName(target, compress: false)
        case .caa(let flags, let tag, let value):
            writer.appendUInt8(flags)
            writer.appendUInt8(UInt8(tag.count))
            writer.append(tag)
            writer.append(value)
        }
    }

    /// The RDATA in uncompressed wire form, as used for canonical comparisons and zone transfers. The array holds
    /// just these octets, not the writer's working capacity.
    public var uncompressedWire: [UInt8] {
        var writer = MessageWriter(limit: 65535, compression: false)
        write(to: &writer)
        return writer.bytes
    }

    /// The number of octets `write` writes without compression (`uncompressedWire.count`), counted, not written.
    public var uncompressedLength: Int {
        switch self {
        case .a(let bytes), .aaaa(let bytes), .opaque(let bytes): bytes.count
        case .ns(let name), .cname(let name), .ptr(let name): name.wire.count
        case .soa(let soa): soa.mname.wire.count + soa.rname.wire.count + 20
        case .mx(_, let exchange): 2 + exchange.wire.count
        case .txt(let strings): strings.reduce(0) { $0 + 1 + $1.count }
        case .srv(_, _, _, let target): 6 + target.wire.count
        case .caa(_, let tag, let value): 2 + tag.count + value.count
        }
    }

    /// Names that an answer containing this RDATA may need additional-section addresses for (RFC 1035 3.3).
    public var additionalName: Name? {
        switch self {
        case .ns(let name), .mx(_, let name), .srv(_, _, _, let name): name
        default: nil
        }
    }
}
