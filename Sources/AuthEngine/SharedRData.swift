import DNSWire
import Synchronization

/// RDATA that many zones hold alike, kept once: the apex NS, MX and SPF sets of every generated zone (and the
/// apex sets that zone files repeat, such as a hosting address) differ only in their owner, so a set at an apex
/// takes its storage from here when an equal one was seen before. A million mail zones would otherwise each keep
/// their own copies of the provider's NS, MX and SPF data.
///
/// Such a set written with the zone's own name is kept whole (`wholeSet`): one object, its owner the root, for
/// every zone that holds it, and one array of them for every apex whose other sets are all kept so (`apex`). A
/// million mail zones hold one NS, one MX and one SPF set object between them, not three each.
///
/// At most `capacity` distinct storages (and as many whole sets and arrays) are kept, for the life of the process:
/// the first ones seen (a provider's sets come with its first zone); sets seen after that are not kept, only
/// matched.
final class SharedRData: Sendable {
    /// The process's table.
    static let shared = SharedRData(capacity: 4096)

    private let capacity: Int
    private let table = Mutex<[RRSet.Storage: RRSet.Storage]>([:])
    /// Apex sets kept whole, owned by the root, at most `capacity`.
    private let sets = Mutex<[WholeSet: RRSet]>([:])
    /// Arrays of whole sets for apex nodes, by the sets' identities, at most `capacity`.
    private let groups = Mutex<[[ObjectIdentifier]: [RRSet]]>([:])
    /// The SOA MNAME and RNAME seen (every zone of a provider names the same two hosts), at most `capacity`.
    private let names = Mutex<[Name: Name]>([:])
    /// The apex sets after the SOA of stored zones, by the octets of their records after the owners, at most
    /// `capacity`.
    private let storedApexes = Mutex<[Octets: StoredApex]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `soa` with its MNAME and RNAME taken from the kept names when equal ones are kept (kept if there is room):
    /// a SOA differs from zone to zone by its serial, but its two names rarely do.
    func intern(_ soa: SOA) -> SOA {
        var shared = soa
        names.withLock { names in
            for keyPath in [\SOA.mname, \SOA.rname] {
                let name = soa[keyPath: keyPath]
                if let kept = names[name] {
                    shared[keyPath: keyPath] = kept
                } else if names.count < capacity {
                    names[name] = name
                }
            }
        }
        return shared
    }

    /// The kept storage equal to `storage`, or `storage` itself (kept if there is room).
    func intern(_ storage: RRSet.Storage) -> RRSet.Storage {
        table.withLock { table in
            if let kept = table[storage] { return kept }
            if table.count < capacity { table[storage] = storage }
            return storage
        }
    }

    /// The kept set of `type`, `ttl` and `rdata` (with no additional data) owned by the root, kept now if there is
    /// room; nil for a set that is not kept whole: an SOA (its serial differs), an address set (another set's
    /// additional data is written under its owner), a CNAME, or a set seen once the table is full.
    func wholeSet(type: RecordType, ttl: UInt32, rdata: [RData]) -> RRSet? {
        switch type {
        case .soa, .a, .aaaa, .cname: return nil
        default: break
        }
        // Found by the RDATA itself: no storage is made for a set that is kept already.
        let key = WholeSet(type: type, ttl: ttl, rdata: rdata)
        return sets.withLock { sets in
            if let kept = sets[key] { return kept }
            guard sets.count < capacity else { return nil }
            let kept = RRSet(owner: .root, type: type, ttl: ttl, storage: RRSet.storage(type: type, rdata: rdata))
            sets[key] = kept
            return kept
        }
    }

    /// The apex node of `soa` and `shared`, each of them a set `wholeSet` returned: the array of `shared` is the
    /// one kept for them, kept now if there is room.
    func apex(soa: RRSet, shared: [RRSet]) -> ZoneNode {
        ZoneNode(own: soa, shared: keptArray(shared))
    }

    /// The array kept for `shared` (sets `wholeSet` returned), kept now if there is room.
    func keptArray(_ shared: [RRSet]) -> [RRSet] {
        let key = shared.map(ObjectIdentifier.init)
        return groups.withLock { groups in
            if let kept = groups[key] { return kept }
            if groups.count < capacity { groups[key] = shared }
            return shared
        }
    }

    /// The apex sets after the SOA of a stored zone whose records there, each without its owner (type, class, TTL,
    /// RDLENGTH and RDATA, back to back), are `key`: the ones kept for the same octets, else those `make` makes
    /// from them, kept if there is room. One lookup for a whole apex, where `wholeSet` takes one a set and hashes
    /// decoded RDATA. Nil when `make` makes none.
    func storedApex(_ key: [UInt8], make: () -> StoredApex?) -> StoredApex? {
        let key = Octets(key)
        if let kept = storedApexes.withLock({ $0[key] }) { return kept }
        guard let made = make() else { return nil }
        return storedApexes.withLock { apexes in
            if let kept = apexes[key] { return kept }
            if apexes.count < capacity { apexes[key] = made }
            return made
        }
    }

    /// The apex sets of stored zones that share one key (`storedApex`).
    struct StoredApex: Sendable {
        /// The sets after the SOA, each kept whole, in one kept array (`keptArray`).
        let sets: [RRSet]
        /// The names their RDATA points to for additional data (NS and MX targets): a zone that holds one of them
        /// may hold its addresses, which such a set would carry.
        let targets: [Name]
    }

    /// Octets hashed in one call, not one by one (an array's conformance).
    private struct Octets: Hashable {
        let octets: [UInt8]

        init(_ octets: [UInt8]) { self.octets = octets }

        func hash(into hasher: inout Hasher) {
            octets.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// What makes a set equal to another but for its owner.
    private struct WholeSet: Hashable {
        let type: RecordType
        let ttl: UInt32
        let rdata: [RData]
    }
}
