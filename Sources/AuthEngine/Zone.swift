import Dispatch
import DNSWire

/// Why a set of records cannot be served as a zone.
public struct ZoneError: Error, Equatable, Sendable, CustomStringConvertible {
    public let zone: String
    public let message: String
    public var description: String { "zone \(zone): \(message)" }
}

/// One authoritative zone, immutable once built. Names are looked up by their lowercased wire form.
public final class Zone: Sendable {
    // The fields a query reads first, first: a zone's table slot leads to this object, and these fit the cache
    // line the object starts in (the small ones after the key fill what would be padding).
    /// The origin's octets in the object (see `OriginKey`).
    let originKey: OriginKey
    /// True when the zone delegates any name below its apex, so lookups must look for zone cuts.
    let hasCuts: Bool
    /// True when the zone has a wildcard name (`*.<name>`), so a name it lacks may still be answered.
    let hasWildcards: Bool
    /// The TTL of negative answers: the lesser of the SOA's TTL and its MINIMUM field (RFC 2308 section 5).
    let negativeTTL: UInt32
    /// Every name of the zone by lowercased name (see `NodeTable` for empty non-terminals).
    let nodes: NodeTable
    /// The watch of a domain that waits for verification (see `QueryWatch`); nil for every other zone.
    public let watch: QueryWatch?
    /// The apex SOA set.
    public let soa: RRSet
    /// The apex, lowercased.
    public let origin: Name
    /// The SOA serial.
    public var serial: UInt32 { if case .soa(let value) = soa.rdata[0] { value.serial } else { 0 } }
    /// The recent changes that led to this version, oldest first, each following the one before and the last
    /// ending at `serial`: what IXFR answers from (RFC 1995).
    public let history: [ZoneDelta]

    /// Builds a zone from its records. Exactly one SOA at the apex is required, at least one NS at the apex,
    /// and every record must lie at or below the apex. Records of one RRset take the first record's TTL.
    /// `history` is the list of changes that led to this version; only its unbroken tail that ends at this
    /// version's serial is kept.
    ///
    /// Apex sets other zones hold alike are shared with them through `sharing` (`SharedRData`); nil builds every
    /// set for this zone alone (to compare the two in tests).
    public convenience init(origin: Name, records: [Record], history: [ZoneDelta] = [], watch: QueryWatch? = nil) throws(ZoneError) {
        try self.init(origin: origin, records: records, history: history, watch: watch, sharing: .shared)
    }

    init(origin: Name, records: [Record], history: [ZoneDelta] = [], watch: QueryWatch? = nil,
         sharing: SharedRData?) throws(ZoneError) {
        self.watch = watch
        let origin = origin.lowercased()
        func fail(_ message: String) -> ZoneError { ZoneError(zone: origin.description, message: message) }

        // Group records by owner and type, keeping file order and dropping exact duplicates. Owners are kept in
        // arrays, in the order first seen, and found through `OwnerIndex`.
        var owners = OwnerIndex()
        var grouped: [[PendingSet]] = []
        for record in records {
            guard record.name.isSubdomain(of: origin) else { throw fail("\(record.name) is outside the zone") }
            // One copy of each name for the zone: the records of a name (and the apex, the origin given) share
            // the storage of the first one seen, when they are written alike.
            var key = record.name.lowercased()
            let slot: Int
            if let found = owners.position(of: key) {
                slot = found
                key = owners.names[found]
            } else {
                if key == origin { key = origin }
                slot = owners.insert(key)
                grouped.append([])
            }
            if let index = grouped[slot].firstIndex(where: { $0.type == record.type }) {
                if !grouped[slot][index].rdata.contains(record.rdata) { grouped[slot][index].rdata.append(record.rdata) }
            } else {
                grouped[slot].append(PendingSet(type: record.type, owner: record.name == key ? key : record.name,
                                                ttl: record.ttl, rdata: [record.rdata]))
            }
        }
        guard let apexSlot = owners.position(of: origin),
              let soaSet = grouped[apexSlot].first(where: { $0.type == .soa }) else {
            throw fail("no SOA record at the apex")
        }
        guard soaSet.rdata.count == 1, case .soa(let soaData) = soaSet.rdata[0] else {
            throw fail("more than one SOA record at the apex")
        }
        guard grouped[apexSlot].contains(where: { $0.type == .ns }) else { throw fail("no NS records at the apex") }
        for (slot, sets) in grouped.enumerated() where slot != apexSlot && sets.contains(where: { $0.type == .soa }) {
            throw fail("SOA record at \(owners.names[slot]), below the apex")
        }

        // First pass: RRsets without additional data, so address sets can be attached in the second. An apex set
        // written with the zone's own name is the one `sharing` keeps whole, when it keeps one.
        var cuts = false
        var sharedWhole = 0
        let plain = grouped.enumerated().map { slot, sets in
            if slot != apexSlot && sets.contains(where: { $0.type == .ns }) { cuts = true }
            return sets.map {
                if slot == apexSlot, $0.owner == origin,
                   let whole = sharing?.wholeSet(type: $0.type, ttl: $0.ttl, rdata: $0.rdata) {
                    sharedWhole += 1
                    return whole
                }
                return RRSet(owner: $0.owner, type: $0.type, ttl: $0.ttl, rdata: $0.rdata,
                             shared: slot == apexSlot && $0.type != .soa)
            }
        }
        func addresses(of target: Name) -> [RRSet] {
            guard let slot = owners.position(of: target.lowercased()) else { return [] }
            return plain[slot].filter { $0.type == .a || $0.type == .aaaa }
        }
        var nodes = zip(plain, grouped).map { sets, pending in
            // A name of one set (a mail zone's DKIM and DMARC names) without an array made for it.
            if sets.count == 1, pending[0].rdata.allSatisfy({ $0.additionalName == nil }) { return ZoneNode(sets[0]) }
            return ZoneNode(rrsets: zip(sets, pending).map { set, pending -> RRSet in
                // From the records' RDATA, not the set's (an encoded set would decode its buffer again). A new set
                // only when some target has in-zone addresses (never for a mail zone's NS and MX).
                let additional = pending.rdata.compactMap(\.additionalName).flatMap(addresses(of:))
                return additional.isEmpty ? set : set.with(additional: additional)
            })
        }
        // An apex of its SOA and sets kept whole (a mail zone's, any generated zone's) is one array for all.
        let apexSets = nodes[apexSlot].rrsets
        if let sharing, sharedWhole == apexSets.count - 1, apexSets.count > 1, apexSets[0].type == .soa,
           apexSets.dropFirst().allSatisfy({ $0.additional.isEmpty && $0.owner == .root }) {
            nodes[apexSlot] = sharing.apex(soa: apexSets[0], shared: Array(apexSets.dropFirst()))
        }
        self.origin = origin
        originKey = origin.wire.withUnsafeBytes(OriginKey.init)
        self.soa = nodes[apexSlot].rrset(.soa)!
        self.negativeTTL = min(soaSet.ttl, soaData.minimum)
        self.hasCuts = cuts
        if owners.names.count <= NodeTable.arrayLimit {
            // A few names, kept without their empty non-terminals (`NodeTable.few` finds one as a name that a kept
            // name lies below), so none is made; a wildcard among them still counts (RFC 4592 section 2.2.2).
            self.nodes = NodeTable(few: owners.names, nodes: nodes)
            self.hasWildcards = owners.names.contains { $0.hasWildcardLabel(below: origin) }
        } else {
            // Empty non-terminals: every ancestor between a name and the apex exists as a node.
            for name in owners.names.prefix(plain.count) {
                var ancestor = name.parent
                while let current = ancestor, current.labelCount > origin.labelCount, owners.position(of: current) == nil {
                    _ = owners.insert(current)
                    nodes.append(ZoneNode(rrsets: []))
                    ancestor = current.parent
                }
            }
            self.nodes = .many(Dictionary(uniqueKeysWithValues: zip(owners.names, nodes)))
            // Over every node, empty non-terminals included: `*.x` with no records but a name below it still
            // exists and answers NODATA (RFC 4592 section 2.2.2).
            self.hasWildcards = owners.names.contains { $0.isWildcard }
        }
        self.history = Zone.chain(history, endingAt: soaData.serial)
    }

    /// A version made from parts of another (`applying`): `history` is chained as `init(origin:records:)` does.
    init(origin: Name, soa: RRSet, nodes: NodeTable, history: [ZoneDelta], watch: QueryWatch?, hasCuts: Bool,
         hasWildcards: Bool) {
        self.origin = origin
        originKey = origin.wire.withUnsafeBytes(OriginKey.init)
        self.soa = soa
        self.nodes = nodes
        self.watch = watch
        let soaData: SOA? = if case .soa(let value) = soa.rdata[0] { value } else { nil }
        self.negativeTTL = min(soa.ttl, soaData?.minimum ?? 0)
        self.hasCuts = hasCuts
        self.hasWildcards = hasWildcards
        self.history = Zone.chain(history, endingAt: soaData?.serial ?? 0)
    }

    /// Whoever drops the last reference to a zone frees it, and that is often a DNS thread moving on to a new
    /// snapshot. Freeing a large zone (a catalog of 10,000 members) takes milliseconds that a query must not
    /// wait for, so a zone with at least this many names hands its nodes to `reclaimer` to free.
    static let deferredFreeThreshold = 256
    /// Frees the nodes of large zones, off the DNS threads.
    static let reclaimer = DispatchQueue(label: "wistdns.zone-reclaimer")

    /// How many names the zone keeps.
    var nameCount: Int { nodes.count }

    deinit {
        guard nodes.count >= Zone.deferredFreeThreshold else { return }
        let nodes = self.nodes
        Zone.reclaimer.async { withExtendedLifetime(nodes) {} }
    }

    /// The longest tail of `history` in which each change starts where the one before ended, the last ending
    /// at `serial`.
    private static func chain(_ history: [ZoneDelta], endingAt serial: UInt32) -> [ZoneDelta] {
        var expected = serial
        var start = history.endIndex
        while start > history.startIndex, history[start - 1].toSerial == expected {
            start -= 1
            expected = history[start].fromSerial
        }
        return Array(history[start...])
    }

    /// The changes from version `serial` to this one, or nil when the history does not reach back to it.
    public func changes(since serial: UInt32) -> ArraySlice<ZoneDelta>? {
        guard let first = history.firstIndex(where: { $0.fromSerial == serial }) else { return nil }
        return history[first...]
    }

    /// True when the origin is the name whose lowercased wire form is `wire` and whose key is `key`.
    func hasOrigin(_ wire: UnsafeRawBufferPointer, key: OriginKey) -> Bool {
        guard originKey.matches(key) else { return false }
        return key.isWhole || origin.wire.withUnsafeBytes { Name.sameOctets($0, wire) }
    }

    /// The node at a lowercased name.
    func node(_ name: Name) -> ZoneNode? { nodes[name] }

    /// Every record of the zone, SOA first, then by owner in canonical order.
    public var records: [Record] {
        let owners = nodes.names.sorted()
        var result = soa.records
        for owner in owners {
            for set in nodes[owner]!.rrsets(at: owner) where set.type != .soa || owner != origin {
                result.append(contentsOf: set.records)
            }
        }
        return result
    }
}

/// An RRset being gathered from a zone's records.
private struct PendingSet {
    let type: RecordType
    let owner: Name
    let ttl: UInt32
    var rdata: [RData]
}

/// The distinct owner names of a zone being built, in the order first seen, each with its position: found by
/// comparing while they are few (a mail zone has four names), by hashing past `NodeTable.arrayLimit`.
private struct OwnerIndex {
    private(set) var names: [Name] = []
    private var table: [Name: Int]?

    func position(of name: Name) -> Int? {
        if let table { return table[name] }
        return names.firstIndex(of: name)
    }

    /// Adds a name not in the index yet; returns its position.
    mutating func insert(_ name: Name) -> Int {
        names.append(name)
        if table != nil {
            table![name] = names.count - 1
        } else if names.count > NodeTable.arrayLimit {
            table = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        }
        return names.count - 1
    }
}
