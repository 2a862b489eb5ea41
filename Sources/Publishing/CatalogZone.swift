import AuthEngine
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
        return try head(origin: origin, serial: serial) + listing.records()
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

    /// The member PTR records of a catalog, changed a few members at a time. Only each member's id is kept; its
    /// record is made when asked for (the served catalog zone holds the records themselves).
    struct Listing {
        /// The id of each member, by lowercased member name.
        private var ids: [Name: UInt64] = [:]
        /// The ids in use.
        private var taken = Set<UInt64>()
        private let zones: Name

        init(origin: Name) throws(WireError) {
            zones = try Name("zones", origin: origin)
        }

        /// The listing of a catalog version at `origin` (served or stored) from its `records`: its members with the
        /// ids they have there, each member's name as `shared` gives it (the name of the zone served, so the
        /// catalog keeps no second copy). Nil unless the records are exactly what this listing writes: the `head`
        /// with the version's serial and one PTR per member under `zones`, its id 16 hex digits.
        init?(origin: Name, records: [Record], shared: (Name) -> Name = { $0 }) throws(WireError) {
            try self.init(origin: origin)
            guard let soa = records.first(where: { $0.type == .soa }) else { return nil }
            var head = Set(try CatalogZone.head(origin: origin, serial: ZoneDelta.serial(of: soa)))
            for record in records {
                if head.remove(record) != nil { continue }
                guard record.type == .ptr, record.name.parent == zones, record.ttl == ttl,
                      case .ptr(let target) = record.rdata, let label = record.name.labels.first, label.count == 16,
                      label.allSatisfy({ (0x30 ... 0x39).contains($0) || (0x61 ... 0x66).contains($0) }),
                      let id = UInt64(String(decoding: label, as: UTF8.self), radix: 16) else { return nil }
                let member = shared(target.lowercased())
                guard ids[member] == nil, !taken.contains(id) else { return nil }
                ids[member] = id
                taken.insert(id)
            }
            guard head.isEmpty else { return nil }
        }

        /// The members listed.
        var members: Set<Name> { Set(ids.keys) }

        /// The number of members listed.
        var count: Int { ids.count }

        /// Whether `member` (lowercased) is listed.
        func lists(_ member: Name) -> Bool { ids[member] != nil }

        /// Every PTR record, in the order of their ids.
        func records() throws(WireError) -> [Record] {
            var records: [Record] = []
            records.reserveCapacity(ids.count)
            for (member, id) in ids.sorted(by: { $0.value < $1.value }) { records.append(try record(member, id)) }
            return records
        }

        /// Lists `members` not listed yet; returns their new PTR records. Ids are handed out in a fixed order (of
        /// the wire bytes: cheap), so that one stepped past a collision is stable too.
        mutating func add(_ members: some Sequence<Name>) throws(WireError) -> [Record] {
            var added: [Record] = []
            let fresh = Set(members.map { $0.lowercased() }).filter { ids[$0] == nil }
            for member in fresh.sorted(by: { $0.wire.lexicographicallyPrecedes($1.wire) }) {
                var id = memberID(member, salt: 0)
                var salt: UInt8 = 1
                while taken.contains(id) {
                    id = memberID(member, salt: salt)
                    salt &+= 1
                }
                let record = try record(member, id)
                taken.insert(id)
                ids[member] = id
                added.append(record)
            }
            return added
        }

        /// Stops listing `members`; returns the PTR records taken away.
        mutating func remove(_ members: some Sequence<Name>) throws(WireError) -> [Record] {
            var removed: [Record] = []
            for member in members {
                let member = member.lowercased()
                guard let id = ids[member] else { continue }
                removed.append(try record(member, id))
                ids[member] = nil
                taken.remove(id)
            }
            return removed
        }

        /// `<id>.zones.<catalog> PTR <member>.`, its owner built as wire rather than parsed from text.
        private func record(_ member: Name, _ id: UInt64) throws(WireError) -> Record {
            var owner: [UInt8] = []
            owner.reserveCapacity(17 + zones.wire.count)
            owner.append(16)
            owner.append(contentsOf: label(id).utf8)
            owner.append(contentsOf: zones.wire)
            return Record(name: try Name(wire: owner), type: .ptr, ttl: ttl, rdata: .ptr(member))
        }
    }

    /// The id of `member`: the 64-bit FNV-1a hash of its lowercased wire form (and `salt`, nonzero only to step
    /// past a collision).
    static func memberID(_ member: Name, salt: UInt8) -> UInt64 {
        var hasher = FNV1a()
        member.addCaseFolded(to: &hasher)
        if salt != 0 { hasher.add(salt) }
        return hasher.value
    }

    /// The label of an id: its 16 hex digits.
    static func label(_ id: UInt64) -> String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
