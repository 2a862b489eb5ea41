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
        let invalid = try Name("invalid.")
        var records: [Record] = [
            Record(name: origin, type: .soa, ttl: ttl,
                   rdata: .soa(SOA(mname: invalid, rname: invalid, serial: serial, refresh: 3600, retry: 600,
                                   expire: 2_147_483_646, minimum: 0))),
            Record(name: origin, type: .ns, ttl: ttl, rdata: .ns(invalid)),
            Record(name: try Name("version", origin: origin), type: .txt, ttl: ttl, rdata: .txt([Array("2".utf8)])),
        ]
        let zones = try Name("zones", origin: origin)
        var used = Set<String>()
        // In a fixed order (of the wire bytes: cheap), so that ids stepped past a collision are stable too.
        for member in Set(members.map { $0.lowercased() }).sorted(by: { $0.wire.lexicographicallyPrecedes($1.wire) }) {
            var id = memberID(member, salt: 0)
            var salt: UInt8 = 1
            while used.contains(id) {
                id = memberID(member, salt: salt)
                salt &+= 1
            }
            used.insert(id)
            records.append(Record(name: try Name(id, origin: zones), type: .ptr, ttl: ttl, rdata: .ptr(member)))
        }
        return records
    }

    /// A label for `member`: 16 hex digits of the 64-bit FNV-1a hash of its lowercased wire form (and `salt`,
    /// nonzero only to step past a collision).
    static func memberID(_ member: Name, salt: UInt8) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in member.lowercased().wire + (salt == 0 ? [] : [salt]) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
