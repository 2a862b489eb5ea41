import DNSWire

extension Zone {
    /// The zone of a stored record list (`RecordList.encode`'s octets): the zone `init(origin:records:...)` builds
    /// from the records they decode to, with the same sets and the same answers. A generated zone's list (an SOA
    /// and sets other zones hold alike at the apex, a few names of TXT or address records below) is read straight
    /// into the zone (`StoredZoneReader`), without decoding a `Record` array first; any other is decoded and built
    /// as records. `history` is given the number of records in the list (duplicates too, as the decoded array
    /// counts them) and returns the changes that led to this version.
    public convenience init(origin: Name, recordList: UnsafeRawBufferPointer, watch: QueryWatch? = nil,
                            history: (_ recordCount: Int) throws -> [ZoneDelta]) throws {
        try self.init(origin: origin, recordList: recordList, watch: watch, sharing: .shared, history: history)
    }

    convenience init(origin: Name, recordList: UnsafeRawBufferPointer, watch: QueryWatch?, sharing: SharedRData,
                     history: (_ recordCount: Int) throws -> [ZoneDelta]) throws {
        let origin = origin.lowercased()
        if let read = StoredZoneReader(origin: origin, sharing: sharing).read(recordList) {
            self.init(origin: origin, soa: read.soa, nodes: read.nodes, history: try history(read.recordCount),
                      watch: watch, hasCuts: false, hasWildcards: read.hasWildcards)
        } else {
            let records = try RecordList.decode(recordList)
            try self.init(origin: origin, records: records, history: try history(records.count), watch: watch,
                          sharing: sharing)
        }
    }
}

/// Reads a generated zone's stored records straight into the parts of its `Zone`, the parts
/// `Zone.init(origin:records:...)` makes of the same records:
/// - the SOA first, owned by the origin as given (lowercased);
/// - then the other apex records, found in `SharedRData` by their octets after the owners (`storedApex`), every
///   set kept whole, NS among them, none pointing into the zone;
/// - then at most `NodeTable.arrayLimit` - 1 other lowercased names in the zone, each in one run of records, of
///   TXT, A and AAAA sets each in one run, copied as they are stored (the encoded form those types keep).
///
/// Anything else (records out of this order, other types there, uppercase, names pointing into the zone, octets
/// that do not decode) is left to the general build: `read` returns nil, and that build decides, errors included.
struct StoredZoneReader {
    /// The origin, lowercased.
    let origin: Name
    let sharing: SharedRData

    /// What the zone is made of.
    struct Parts {
        let soa: RRSet
        let nodes: NodeTable
        let recordCount: Int
        let hasWildcards: Bool
    }

    func read(_ list: UnsafeRawBufferPointer) -> Parts? {
        var reader = WireReader(list)
        var count = 0
        // The SOA, first, at the origin.
        guard matches(origin, list, at: 0), (try? reader.skip(origin.wire.count, "owner")) != nil,
              let soaHeader = try? Header.read(&reader), soaHeader.type == .soa,
              case .soa(let soaData)? = try? RData.read(type: .soa, length: soaHeader.length, from: &reader) else {
            return nil
        }
        count += 1
        let soa = RRSet(owner: origin, type: .soa, ttl: soaHeader.ttl, rdata: [.soa(soaData)])

        // The rest of the apex, by the octets after each owner.
        var key: [UInt8] = []
        while reader.remaining > 0, matches(origin, list, at: reader.offset) {
            guard (try? reader.skip(origin.wire.count, "owner")) != nil else { return nil }
            let start = reader.offset
            guard let header = try? Header.read(&reader), (try? reader.skip(header.length, "rdata")) != nil else {
                return nil
            }
            key.append(contentsOf: UnsafeRawBufferPointer(rebasing: list[start ..< reader.offset]))
            count += 1
        }

        // The other names, each in one run. A name of one set keeps no array (`ZoneNode(_:)`), and needs none here.
        var names = [origin]
        var nodes: [ZoneNode] = []
        var owner = origin
        var firstSet: RRSet?
        var moreSets: [RRSet] = []
        var pending: PendingSet?
        func finishSet() {
            if let set = pending?.set(owner: owner, list) {
                if firstSet == nil { firstSet = set } else { moreSets.append(set) }
            }
            pending = nil
        }
        func finishName() {
            finishSet()
            if let firstSet { nodes.append(moreSets.isEmpty ? ZoneNode(firstSet) : ZoneNode(rrsets: [firstSet] + moreSets)) }
            firstSet = nil
            moreSets = []
        }
        while reader.remaining > 0 {
            if !matches(owner, list, at: reader.offset) {
                finishName()
                guard names.count < NodeTable.arrayLimit, let next = try? Self.readOwner(&reader, list),
                      next.lowercased() == next, next.isSubdomain(of: origin),
                      !names.contains(next) else {
                    return nil
                }
                owner = next
                names.append(next)
            } else {
                guard (try? reader.skip(owner.wire.count, "owner")) != nil else { return nil }
            }
            guard let header = try? Header.read(&reader), header.length <= reader.remaining else { return nil }
            let rdata = reader.offset ..< reader.offset + header.length
            guard Self.isValid(header.type, UnsafeRawBufferPointer(rebasing: list[rdata])),
                  (try? reader.skip(header.length, "rdata")) != nil else {
                return nil
            }
            count += 1
            if pending?.type == header.type {
                pending!.add(rdata, list)
            } else {
                finishSet()
                // A type met again after another at this name: its records are not in one run.
                guard firstSet?.type != header.type, !moreSets.contains(where: { $0.type == header.type }) else {
                    return nil
                }
                pending = PendingSet(type: header.type, ttl: header.ttl, first: rdata)
            }
        }
        finishName()
        // The apex's sets last, once the whole list is known to be read straight: a list that is not keeps nothing
        // in the shared tables, as the general build keeps nothing for records it refuses.
        guard let apex = sharing.storedApex(key, make: { Self.apexSets(key, sharing: sharing) }),
              !apex.targets.contains(where: { $0.isSubdomain(of: origin) }) else {
            return nil
        }
        nodes.insert(ZoneNode(own: soa, shared: apex.sets), at: 0)
        return Parts(soa: soa, nodes: NodeTable(few: names, nodes: nodes), recordCount: count,
                     hasWildcards: names.contains { $0.hasWildcardLabel(below: origin) })
    }

    /// The owner name at the reader's offset, in a buffer of its size: `readName` keeps room for 32 octets and
    /// doubles past them (16 octets more for each DKIM name of a mail zone, for as long as the zone is served).
    /// A compressed name, or octets that are no name, are read by `readName`, as the general build reads them.
    private static func readOwner(_ reader: inout WireReader, _ list: UnsafeRawBufferPointer) throws(WireError) -> Name {
        var end = reader.offset
        while end < list.count, list[end] != 0, list[end] & 0xC0 == 0 { end += 1 + Int(list[end]) }
        guard end < list.count, list[end] == 0, end + 1 - reader.offset <= Name.maxWireLength else {
            return try reader.readName("owner")
        }
        let name = Name(uncheckedWire: Array(UnsafeRawBufferPointer(rebasing: list[reader.offset ... end])))
        try reader.skip(name.wire.count, "owner")
        return name
    }

    /// True when `name`'s octets are at `offset` in `list`.
    private func matches(_ name: Name, _ list: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        name.wire.count <= list.count - offset && name.wire.withUnsafeBytes {
            $0.elementsEqual(UnsafeRawBufferPointer(rebasing: list[offset ..< offset + $0.count]))
        }
    }

    /// True for RDATA of a type this reader copies (TXT, A, AAAA) that decodes as such: for those types, equal
    /// octets are equal RDATA, and the octets are what the set's encoded form keeps.
    private static func isValid(_ type: RecordType, _ rdata: UnsafeRawBufferPointer) -> Bool {
        switch type {
        case .a: return rdata.count == 4
        case .aaaa: return rdata.count == 16
        case .txt:
            // One or more character-strings that end exactly with the RDATA (as `RData.read` requires).
            guard !rdata.isEmpty else { return false }
            var offset = 0
            while offset < rdata.count { offset += 1 + Int(rdata[offset]) }
            return offset == rdata.count
        default: return false
        }
    }

    /// The apex sets of `key` (records after the SOA, each without its owner), as the general build makes them:
    /// RDATA decoded, the records of a type in one run, exact duplicates dropped, each set kept whole and the sets
    /// in one kept array. Nil when the general build would not share them all so, or would fail: an SOA or no NS
    /// among them, a type in two runs, a set `wholeSet` does not keep, RDATA that does not decode, or names in it
    /// written otherwise than uncompressed (they are decoded here from the key alone).
    private static func apexSets(_ key: [UInt8], sharing: SharedRData) -> SharedRData.StoredApex? {
        key.withUnsafeBytes { bytes -> SharedRData.StoredApex? in
            var reader = WireReader(bytes)
            var groups: [(type: RecordType, ttl: UInt32, rdata: [RData])] = []
            while reader.remaining > 0 {
                guard let header = try? Header.read(&reader), header.type != .soa else { return nil }
                let start = reader.offset
                guard let data = try? RData.read(type: header.type, length: header.length, from: &reader),
                      data.uncompressedWire.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[start ..< reader.offset])) else {
                    return nil
                }
                if groups.last?.type == header.type {
                    if !groups[groups.count - 1].rdata.contains(data) { groups[groups.count - 1].rdata.append(data) }
                } else {
                    guard !groups.contains(where: { $0.type == header.type }) else { return nil }
                    groups.append((header.type, header.ttl, [data]))
                }
            }
            guard groups.contains(where: { $0.type == .ns }) else { return nil }
            var sets: [RRSet] = []
            for group in groups {
                guard let set = sharing.wholeSet(type: group.type, ttl: group.ttl, rdata: group.rdata) else { return nil }
                sets.append(set)
            }
            return SharedRData.StoredApex(sets: sharing.keptArray(sets),
                                          targets: groups.flatMap { $0.rdata.compactMap(\.additionalName) })
        }
    }

    /// A record's type, TTL and RDLENGTH (its class is not kept, as `Zone` keeps none).
    private struct Header {
        let type: RecordType
        let ttl: UInt32
        let length: Int

        static func read(_ reader: inout WireReader) throws(WireError) -> Header {
            let type = RecordType(try reader.readUInt16("type"))
            _ = try reader.readUInt16("class")
            let ttl = try reader.readUInt32("ttl")
            return Header(type: type, ttl: ttl, length: Int(try reader.readUInt16("rdlength")))
        }
    }

    /// The records of one set being read: where each one's RDATA is in the list, exact duplicates left out (a set
    /// of one record, the common case, makes no array).
    private struct PendingSet {
        let type: RecordType
        /// The first record's TTL, the set's (as `Zone` keeps it).
        let ttl: UInt32
        let first: Range<Int>
        var more: [Range<Int>] = []

        mutating func add(_ rdata: Range<Int>, _ list: UnsafeRawBufferPointer) {
            let octets = UnsafeRawBufferPointer(rebasing: list[rdata])
            let equal = { (kept: Range<Int>) in UnsafeRawBufferPointer(rebasing: list[kept]).elementsEqual(octets) }
            guard !equal(first), !more.contains(where: equal) else { return }
            more.append(rdata)
        }

        /// The set, its encoded form each record's RDLENGTH and RDATA as the list holds them, back to back.
        func set(owner: Name, _ list: UnsafeRawBufferPointer) -> RRSet {
            let size = more.reduce(2 + first.count) { $0 + 2 + $1.count }
            let wire = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                func copy(_ rdata: Range<Int>) {
                    // The RDLENGTH is the two octets before the RDATA.
                    let record = UnsafeRawBufferPointer(rebasing: list[rdata.lowerBound - 2 ..< rdata.upperBound])
                    UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[initialized ..< initialized + record.count])
                        .copyMemory(from: record)
                    initialized += record.count
                }
                copy(first)
                for rdata in more { copy(rdata) }
            }
            return RRSet(owner: owner, type: type, ttl: ttl, storage: .encoded(wire: wire))
        }
    }
}
