/// A list of records as bytes, for storage: each record in wire form with its owner uncompressed
/// (owner, type, class, TTL, RDLENGTH, RDATA), one after the other.
public enum RecordList {
    /// Encodes `records` without name compression.
    public static func encode(_ records: [Record]) -> [UInt8] {
        var writer = MessageWriter(limit: Int.max, compression: false, capacity: records.count * 64)
        for record in records { writer.writeRecord(record) }
        return writer.bytes
    }

    /// Decodes what `encode` produced. Throws `WireError` when the bytes are not a whole number of records.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> [Record] {
        let result: Result<[Record], WireError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try decode(buffer) }
        }
        return try result.get()
    }

    /// Decodes what `encode` produced, read in place (stored bytes need not be copied into an array first).
    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(WireError) -> [Record] {
        var reader = WireReader(buffer)
        var records: [Record] = []
        var previous: Name?
        while reader.remaining > 0 {
            // An owner written like the one before (the records of a name follow one another) is that same name:
            // no second copy is made.
            let name: Name
            if let previous, previous.wire.count <= reader.remaining,
               previous.wire.withUnsafeBytes({ $0.elementsEqual(UnsafeRawBufferPointer(rebasing: buffer[reader.offset ..< reader.offset + $0.count])) }) {
                try reader.skip(previous.wire.count, "owner")
                name = previous
            } else {
                name = try reader.readName("owner")
                previous = name
            }
            let type = RecordType(try reader.readUInt16("type"))
            let rclass = RecordClass(try reader.readUInt16("class"))
            let ttl = try reader.readUInt32("ttl")
            let length = Int(try reader.readUInt16("rdlength"))
            let rdata = try RData.read(type: type, length: length, from: &reader)
            records.append(Record(name: name, type: type, rclass: rclass, ttl: ttl, rdata: rdata))
        }
        return records
    }
}

extension RecordList {
    /// `records` after `changes`, oldest first: each change's `removed` records taken away (every copy; owner names
    /// compared without case) and its `added` records put after the rest, but for an SOA added, which takes the
    /// place of the list's SOA (it stays first). One pass over `records` however many changes there are: a zone's
    /// journal replayed on its stored version.
    public static func applying(_ changes: some Sequence<(removed: [Record], added: [Record])>,
                                to records: [Record]) -> [Record] {
        var gone = Set<Record>()
        var added: [Record?] = []
        var addedAt: [Record: [Int]] = [:]
        var soa: Record?
        for change in changes {
            for record in change.removed where record.type != .soa {
                let key = caseless(record)
                gone.insert(key)
                for index in addedAt.removeValue(forKey: key) ?? [] { added[index] = nil }
            }
            for record in change.added {
                if record.type == .soa {
                    soa = record
                    continue
                }
                addedAt[caseless(record), default: []].append(added.count)
                added.append(record)
            }
        }
        var result: [Record] = []
        result.reserveCapacity(records.count + added.count)
        for record in records {
            if record.type == .soa, let newer = soa {
                result.append(newer)
                soa = nil
            } else if gone.isEmpty || !gone.contains(caseless(record)) {
                result.append(record)
            }
        }
        if let soa { result.insert(soa, at: 0) }
        result.append(contentsOf: added.lazy.compactMap { $0 })
        return result
    }

    private static func caseless(_ record: Record) -> Record {
        var key = record
        key.name = record.name.lowercased()
        return key
    }
}
