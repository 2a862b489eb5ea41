import DNSWire

/// The records of one owner name and type, prepared for answering: RDATA that holds no compressible name is
/// encoded once when the zone is built, so an answer costs a copy.
public final class RRSet: Sendable {
    /// The RDATA as the set keeps it: one copy, decoded or in wire form.
    enum Storage: Hashable, Sendable {
        /// Types whose RDATA holds names an answer compresses (NS, CNAME, PTR, SOA, MX; a set of one NS, CNAME or
        /// PTR is kept as `name`): written through `RData.write`.
        case decoded([RData])
        /// Every other type: each record's RDLENGTH and uncompressed RDATA, back to back in one exactly sized
        /// buffer, as an answer holds them: copied verbatim. The number of records is counted from it (a set has a
        /// record or two), so the case fits one word and a set object takes a smaller block.
        case encoded(wire: [UInt8])
        /// A set of one NS, CNAME or PTR record (every member of a catalog, a CNAME): the name it holds, without
        /// an array around it. Written as `decoded` would write it.
        case name(Name)

        /// A wire buffer hashed in one call, not octet by octet (the synthesized conformance).
        func hash(into hasher: inout Hasher) {
            switch self {
            case .decoded(let rdata): hasher.combine(0 as UInt8); hasher.combine(rdata)
            case .encoded(let wire): hasher.combine(1 as UInt8); wire.withUnsafeBytes { hasher.combine(bytes: $0) }
            case .name(let name): hasher.combine(2 as UInt8); hasher.combine(name)
            }
        }
    }

    /// The owner as written in the zone (its case is kept for output). The root stands for the name of the node
    /// that holds the set when that is another name: an apex set that many zones hold alike is one object for all
    /// of them (`SharedRData.wholeSet`). Answers are written under the name asked; read the owner of a set through
    /// `ZoneNode.rrsets(at:)` to output its records.
    public let owner: Name
    public let type: RecordType
    /// One TTL for the whole set (RFC 2181 section 5.2).
    public let ttl: UInt32
    let storage: Storage
    /// Address RRsets (A, AAAA) of in-zone names that this set's NS, MX or SRV records point to.
    let additional: [RRSet]

    /// A set whose RDATA other zones likely hold alike (an apex set other than the SOA) is `shared`: its storage
    /// comes from `SharedRData` when an equal one is kept there.
    init(owner: Name, type: RecordType, ttl: UInt32, rdata: [RData], additional: [RRSet] = [], shared: Bool = false) {
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.additional = additional
        if type == .soa {
            // A SOA is never shared whole (its serial differs), but its names are.
            self.storage = .decoded(rdata.map { if case .soa(let soa) = $0 { .soa(SharedRData.shared.intern(soa)) } else { $0 } })
            return
        }
        let storage = RRSet.storage(type: type, rdata: rdata)
        self.storage = shared ? SharedRData.shared.intern(storage) : storage
    }

    /// The storage of `rdata` for a set of `type`.
    static func storage(type: RecordType, rdata: [RData]) -> Storage {
        switch type {
        case .ns, .cname, .ptr:
            if rdata.count == 1, let name = rdata[0].onlyName(of: type) { return .name(name) }
            return .decoded(rdata)
        case .soa, .mx:
            return .decoded(rdata)
        default:
            // Copied out of the writer into an array of the set's size (a set's buffer lives as long as its zone).
            let size = rdata.reduce(0) { $0 + 2 + $1.uncompressedLength }
            var writer = MessageWriter(limit: Int.max, compression: false, capacity: size)
            for data in rdata { writer.appendRDATA(data) }
            return .encoded(wire: writer.bytes)
        }
    }

    init(owner: Name, type: RecordType, ttl: UInt32, storage: Storage, additional: [RRSet] = []) {
        self.owner = owner
        self.type = type
        self.ttl = ttl
        self.storage = storage
        self.additional = additional
    }

    /// The same set under another owner.
    func with(owner: Name) -> RRSet {
        RRSet(owner: owner, type: type, ttl: ttl, storage: storage, additional: additional)
    }

    /// The same set with its additional-section addresses attached.
    func with(additional: [RRSet]) -> RRSet {
        RRSet(owner: owner, type: type, ttl: ttl, storage: storage, additional: additional)
    }

    /// The number of records.
    public var count: Int {
        switch storage {
        case .decoded(let rdata): rdata.count
        case .name: 1
        case .encoded(let wire): EncodedRecords(wire: wire).reduce(0) { count, _ in count + 1 }
        }
    }

    /// The RDATA, decoded (from the wire form for the types kept so: for transfers and comparisons, not answers).
    public var rdata: [RData] {
        switch storage {
        case .decoded(let rdata):
            return rdata
        case .name(let name):
            return [RData(name, as: type)]
        case .encoded(let wire):
            return EncodedRecords(wire: wire).map { range in
                let bytes = Array(wire[range.dropFirst(2)])
                return bytes.withUnsafeBytes { raw in
                    var reader = WireReader(raw)
                    // Octets this set encoded itself always decode; should they not, they are kept verbatim.
                    return (try? RData.read(type: type, length: raw.count, from: &reader)) ?? .opaque(bytes)
                }
            }
        }
    }

    /// The records in an encoded set's buffer: the range of each one's RDLENGTH and RDATA, in order.
    private struct EncodedRecords: Sequence, IteratorProtocol {
        let wire: [UInt8]
        var offset = 0

        mutating func next() -> Range<Int>? {
            guard offset + 2 <= wire.count else { return nil }
            let end = offset + 2 + (Int(wire[offset]) << 8 | Int(wire[offset + 1]))
            defer { offset = end }
            return offset ..< end
        }
    }

    /// The first record's RDATA (a CNAME's target), without making an array for a set of one name.
    var firstRData: RData? {
        switch storage {
        case .name(let name): RData(name, as: type)
        case .decoded(let rdata): rdata.first
        case .encoded: rdata.first
        }
    }

    /// The records of the set, as `Record` values.
    public var records: [Record] {
        rdata.map { Record(name: owner, type: type, ttl: ttl, rdata: $0) }
    }

    /// Writes every record of the set under `name` (the query name for answers, the owner otherwise).
    /// Returns false when the message passed its limit; the caller rolls back.
    func write(as name: Name, ttl overrideTTL: UInt32? = nil, to writer: inout MessageWriter) -> Bool {
        let ttl = overrideTTL ?? self.ttl
        switch storage {
        case .encoded(let wire):
            for record in EncodedRecords(wire: wire) {
                writeHeader(name, ttl, to: &writer)
                writer.append(wire[record])
                if writer.overflowed { return false }
            }
        case .decoded(let rdata):
            for data in rdata {
                writeHeader(name, ttl, to: &writer)
                writer.appendRDATA(data)
                if writer.overflowed { return false }
            }
        case .name(let target):
            writeHeader(name, ttl, to: &writer)
            writer.appendNameRDATA(target)
            if writer.overflowed { return false }
        }
        return true
    }

    /// Owner, type, class and TTL of one record.
    @inline(__always)
    private func writeHeader(_ name: Name, _ ttl: UInt32, to writer: inout MessageWriter) {
        writer.writeName(name, compress: true)
        writer.appendTypeClassTTL(type.rawValue, RecordClass.in.rawValue, ttl)
    }
}

private extension RData {
    /// The RDATA of an NS, CNAME or PTR record holding `name` (`type` is one of those).
    init(_ name: Name, as type: RecordType) {
        self = switch type {
        case .ns: .ns(name)
        case .cname: .cname(name)
        default: .ptr(name)
        }
    }

    /// The name of an NS, CNAME or PTR RDATA of `type`, nil for any other.
    func onlyName(of type: RecordType) -> Name? {
        switch (self, type) {
        case (.ns(let name), .ns), (.cname(let name), .cname), (.ptr(let name), .ptr): name
        default: nil
        }
    }
}
