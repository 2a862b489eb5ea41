import DNSWire

/// The records of one owner name and type, prepared for answering: RDATA that holds no compressible name is
/// encoded once when the zone is built, so an answer costs a copy.
public final class RRSet: Sendable {
    /// The owner as written in the zone (its case is kept for output).
    public let owner: Name
    public let type: RecordType
    /// One TTL for the whole set (RFC 2181 section 5.2).
    public let ttl: UInt32
    public let rdata: [RData]
    /// Pre-encoded RDATA for types whose RDATA is copied verbatim; nil for types with compressible names.
    let encoded: [[UInt8]]?
    /// Address RRsets (A, AAAA) of in-zone names that this set's NS, MX or SRV records point to.
    let additional: [RRSet]

    init(owner: Name, type: RecordType, ttl: UInt32, rdata: [RData], additional: [RRSet] = []) {
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.rdata = rdata
        self.additional = additional
        switch type {
        case .ns, .cname, .ptr, .soa, .mx:
            encoded = nil
        default:
            encoded = rdata.map(\.uncompressedWire)
        }
    }

    /// The same set with its additional-section addresses attached.
    func with(additional: [RRSet]) -> RRSet {
        RRSet(owner: owner, type: type, ttl: ttl, rdata: rdata, additional: additional)
    }

    /// The records of the set, as `Record` values.
    public var records: [Record] {
        rdata.map { Record(name: owner, type: type, ttl: ttl, rdata: $0) }
    }

    /// Writes every record of the set under `name` (the query name for answers, the owner otherwise).
    /// Returns false when the message passed its limit; the caller rolls back.
    func write(as name: Name, ttl overrideTTL: UInt32? = nil, to writer: inout MessageWriter) -> Bool {
        let ttl = overrideTTL ?? self.ttl
        for index in rdata.indices {
            writer.writeName(name, compress: true)
            writer.appendUInt16(type.rawValue)
            writer.appendUInt16(RecordClass.in.rawValue)
            writer.appendUInt32(ttl)
            if let encoded {
                writer.appendUInt16(UInt16(encoded[index].count))
                writer.append(encoded[index])
            } else {
                let lengthOffset = writer.count
                writer.appendUInt16(0)
                rdata[index].write(to: &writer)
                writer.patchUInt16(UInt16(writer.count - lengthOffset - 2), at: lengthOffset)
            }
            if writer.overflowed { return false }
        }
        return true
    }
}
