import Foundation

/// Every stored zone version, read at once for a start (`Database.allZoneVersions`), found by its name's octets.
///
/// The names and records lie in a `BlobArena`, each version is a few words in one array, and a flat hash table
/// (open addressing, at most half full, 32 bits of the name's hash beside each index) finds a name: a start of a
/// million domains spent a tenth of its time on a dictionary of strings and a data object per version, in
/// allocations and cache misses. The hash is the standard library's, seeded per process (customers choose names).
public final class StoredVersions: Sendable {
    private struct Entry {
        let name: BlobArena.Location
        let records: BlobArena.Location
        let serial: Int64
        let recordCount: Int
        /// Its journal in `journals`, or -1 for none.
        var journal: Int32
    }

    /// The names, kept for lookups to the end.
    private let names: BlobArena
    /// The records, whose buffers `release(buffer:)` gives back as a start goes.
    private let records: BlobArena
    private let entries: [Entry]
    private let journals: [[ZoneChangeRow]]
    /// 0 for an empty slot, else the hash's upper 32 bits, then the entry's index plus one.
    private let slots: [UInt64]
    private let mask: Int

    /// A version as stored, its octets valid while `withVersion` runs.
    public struct Version {
        /// The SOA serial of the version.
        public let serial: Int64
        /// How many records `records` holds.
        public let recordCount: Int
        /// The records, in DNS wire form (`RecordList`).
        public let records: UnsafeRawBufferPointer
        /// The zone's journal, oldest change first.
        public let changes: [ZoneChangeRow]
    }

    /// Builds the table from `versions` (name, lowercased or not, serial, record octets and count, in any order)
    /// and the journals by lowercased name. Of two versions of one name, the later is kept.
    init(journals byName: [String: [ZoneChangeRow]], expectedCount: Int = 0,
         versions: (_ add: (_ name: UnsafeRawBufferPointer, _ serial: Int64, _ records: UnsafeRawBufferPointer,
                            _ recordCount: Int) -> Void) throws -> Void) rethrows {
        var arena = BlobArena(), recordArena = BlobArena()
        var entries: [Entry] = []
        var hashes: [UInt64] = []
        entries.reserveCapacity(expectedCount)
        hashes.reserveCapacity(expectedCount)
        try versions { name, serial, recordOctets, recordCount in
            let location: BlobArena.Location
            if name.contains(where: Self.isUpper) {
                location = Self.lowercased(name).withUnsafeBytes { arena.append($0) }
            } else {
                location = arena.append(name)
            }
            hashes.append(Self.hash(arena.bytes(at: location)))
            entries.append(Entry(name: location, records: recordArena.append(recordOctets), serial: serial,
                                 recordCount: recordCount, journal: -1))
        }
        var capacity = 8
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (index, hash) in hashes.enumerated() {
            var position = Int(truncatingIfNeeded: hash) & mask
            while slots[position] != 0 {
                let other = Int(slots[position] & 0xFFFF_FFFF) - 1
                if slots[position] >> 32 == hash >> 32,
                   Self.same(arena.bytes(at: entries[other].name), arena.bytes(at: entries[index].name)) { break }
                position = (position + 1) & mask
            }
            slots[position] = (hash & ~0xFFFF_FFFF) | UInt64(index + 1)
        }
        names = arena
        records = recordArena
        self.slots = slots
        self.mask = mask
        // The journals (few: zones changed since their stored version) go to their versions.
        var journals: [[ZoneChangeRow]] = []
        for (name, changes) in byName {
            let found = Self.lowercased(name.utf8).withUnsafeBytes { Self.index(of: $0, slots: slots, mask: mask, entries: entries, names: arena) }
            guard let found else { continue }
            entries[found].journal = Int32(journals.count)
            journals.append(changes)
        }
        self.entries = entries
        self.journals = journals
    }

    /// How many versions are stored.
    public var count: Int { entries.count }

    /// Where the version stored under `name` (lowercased, without the final dot, as the domains table spells it)
    /// is, if one is.
    public func index(of name: UnsafeRawBufferPointer) -> Int? {
        Self.index(of: name, slots: slots, mask: mask, entries: entries, names: names)
    }

    /// The buffer that holds the records of the version at `index`, nil when they are empty: see `release(buffer:)`.
    public func buffer(of index: Int) -> Int? {
        records.buffer(of: entries[index].records)
    }

    /// How many buffers hold the records.
    public var bufferCount: Int { records.bufferCount }

    /// Gives the memory of the records in buffer `buffer` back to the system, once no version of it will be read
    /// again: a start releases each as its zones are built, so the read-ahead's gigabyte (at a million domains)
    /// is not all resident beside the zones until the last is built.
    public func release(buffer: Int) {
        records.release(buffer: buffer)
    }

    /// `body` of the version at `index`; its records must not have been released.
    public func withVersion<T>(at index: Int, _ body: (Version) throws -> T) rethrows -> T {
        let entry = entries[index]
        return try body(Version(serial: entry.serial, recordCount: entry.recordCount,
                                records: records.bytes(at: entry.records),
                                changes: entry.journal < 0 ? [] : journals[Int(entry.journal)]))
    }

    /// The version at `index` with its journal, its octets copied.
    public func version(at index: Int) -> StoredZoneVersion {
        let entry = entries[index]
        let name = String(decoding: names.bytes(at: entry.name), as: UTF8.self)
        return withVersion(at: index) { version in
            var row = ZoneVersionRow(name: name, serial: 0, records: Data(version.records), recordCount: version.recordCount)
            row.serial = version.serial
            return (row, version.changes)
        }
    }

    private static func index(of name: UnsafeRawBufferPointer, slots: [UInt64], mask: Int, entries: [Entry],
                              names: BlobArena) -> Int? {
        guard !entries.isEmpty else { return nil }
        let hash = hash(name)
        var position = Int(truncatingIfNeeded: hash) & mask
        while slots[position] != 0 {
            let index = Int(slots[position] & 0xFFFF_FFFF) - 1
            if slots[position] >> 32 == hash >> 32, Self.same(names.bytes(at: entries[index].name), name) {
                return index
            }
            position = (position + 1) & mask
        }
        return nil
    }

    private static func isUpper(_ octet: UInt8) -> Bool { (0x41 ... 0x5A).contains(octet) }

    /// ASCII letters folded to lower case, the one rule for versions and journals (names are stored as ASCII text).
    private static func lowercased(_ octets: some Sequence<UInt8>) -> [UInt8] {
        octets.map { isUpper($0) ? $0 | 0x20 : $0 }
    }

    private static func same(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let a = left.baseAddress, let b = right.baseAddress else { return true }
        return memcmp(a, b, left.count) == 0
    }

    private static func hash(_ octets: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(bytes: octets)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
