import DNSWire

/// A catalog zone, version 2 (RFC 9432): the list of zones a server serves, for secondaries that create,
/// transfer and remove member zones by themselves (Knot's `catalog-role: interpret`, BIND's `catalog-zones`).
///
/// Every member is `<id>.zones.<catalog> PTR <member>.`, where the id is a stable hash of the member's name,
/// so a member keeps its id across restarts and rebuilds (RFC 9432 section 4.1 needs ids unique in the catalog
/// and reserves changing one for a deliberate reset of the member on the consumers).
public enum CatalogZone {
    /// The TTL of every record: consumers do not cache a catalog (RFC 9432 section 4 recommends 0).
    static let ttl: UInt32 = 0

    /// The records of the catalog at `origin` with serial `serial` listing `members` (each listed once).
    public static func records(origin: Name, serial: UInt32, members: [Name]) throws(WireError) -> [Record] {
        var listing = try Listing(origin: origin)
        _ = try listing.add(members)
        return try head(origin: origin, serial: serial) + listing.records
    }

    /// The SOA, NS and version records of the catalog at `origin`.
    static func head(origin: Name, serial: UInt32) throws(WireError) -> [Record] {
        let invalid = try Name("invalid.")
        return [
            Record(name: origin, type: .soa, ttl: ttl,
                   rdata: .soa(SOA(mname: invalid, rname: invalid, serial: serial, refresh: 3600, retry: 600,
                                   expire: 2_147_483_646, minimum: 0))),
            Record(name: origin, type: .ns, ttl: ttl, rdata: .ns(invalid)),
            Record(name: try Name("version", origin: origin), type: .txt, ttl: ttl, rdata: .txt([Array("2".utf8)])),
        ]
    }

    /// The member PTR records of a catalog, changed a few members at a time.
    struct Listing {
        /// The PTR record of each member, by lowercased member name.
        private(set) var entries: [Name: Record] = [:]
        private var ids = Set<String>()
        private let zones: Name

        init(origin: Name) throws(WireError) {
            zones = try Name("zones", origin: origin)
        }

        /// The members listed.
        var members: Set<Name> { Set(entries.keys) }
        /// Every PTR record.
        var records: [Record] { Array(entries.values) }

        /// Lists `members` not listed yet; returns their new PTR records. Ids are handed out in a fixed order (of
        /// the wire bytes: cheap), so that one stepped past a collision is stable too.
        mutating func add(_ members: some Sequence<Name>) throws(WireError) -> [Record] {
            var added: [Record] = []
            let fresh = Set(members.map { $0.lowercased() }).filter { entries[$0] == nil }
            for member in fresh.sorted(by: { $0.wire.lexicographicallyPrecedes($1.wire) }) {
                var id = memberID(member, salt: 0)
                var salt: UInt8 = 1
                while ids.contains(id) {
                    id = memberID(member, salt: salt)
                    salt &+= 1
                }
                ids.insert(id)
                let record = Record(name: try Name(id, origin: zones), type: .ptr, ttl: ttl, rdata: .ptr(member))
                entries[member] = record
                added.append(record)
            }
            return added
        }

        /// Stops listing `members`; returns the PTR records taken away.
        mutating func remove(_ members: some Sequence<Name>) -> [Record] {
            var removed: [Record] = []
            for member in members {
                guard let record = entries.removeValue(forKey: member.lowercased()) else { continue }
                ids.remove(String(decoding: record.name.wire[1 ... Int(record.name.wire[0])], as: UTF8.self))
                removed.append(record)
            }
            return removed
        }
    }

    /// A label for `member`: 16 hex digits of the 64-bit FNV-1a hash of its lowercased wire form (and `salt`,
    /// nonzero only to step past a collision).
    static func memberID(_ member: Name, salt: UInt8) -> String {
        var hasher = FNV1a()
        member.addCaseFolded(to: &hasher)
        if salt != 0 { hasher.add(salt) }
        let hex = String(hasher.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
