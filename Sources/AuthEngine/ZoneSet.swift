import DNSWire
import HashTreeCollections

/// An immutable set of zones: the snapshot that queries read. Changing it makes a new value that shares every
/// untouched zone with the old one, so publishing a change costs little.
///
/// Two layers: a flat table built at once from many zones (`ZoneTable`: a start's, a zones folder's), shared by
/// every snapshot made from it, and the changes since, in a persistent hash tree (a zone added or replaced, or
/// one of the table's removed). Once the changes hide an eighth of the table's zones (old versions it still
/// holds), the table is built again from the set's zones. Only small zones go into the table
/// (`ZoneTable.largestZone`): a large one (the catalog, a large zone file) stays among the changes, so an old
/// version of it is freed with the last snapshot that holds it, never kept by the table.
public struct ZoneSet: Sendable {
    private var table: ZoneTable
    /// The changes on top of `table`, by origin: the zone now, or nil for a zone of the table removed.
    private var changes: TreeDictionary<Name, Zone?>
    /// How many of the table's zones `changes` replaces or removes.
    private var hidden: Int
    /// One bit (of 64, by the origin's hash) for every origin `changes` has held since the table was built: a
    /// name whose bit is clear is looked up in the table alone, with no copy of it made for the changes' tree (a
    /// catalog among the changes would otherwise cost every query that).
    private var changed: UInt64
    /// The number of zones.
    public private(set) var count: Int
    /// The most labels any origin has; longer query names start their suffix search there.
    private var deepestOrigin: Int

    /// An empty set.
    public init() {
        self.init(table: .empty)
    }

    /// A set holding `zones`; a later zone with the same origin replaces an earlier one.
    public init(_ zones: [Zone]) {
        self.init(table: .empty)
        var small: [Zone] = []
        small.reserveCapacity(zones.count)
        var large: [Name: Zone] = [:]
        for zone in zones {
            if zone.nameCount > ZoneTable.largestZone {
                large[zone.origin] = zone
            } else {
                small.append(zone)
                if !large.isEmpty { large[zone.origin] = nil }
            }
        }
        // A zone given small, then large (or the other way round), is only where it was given last.
        if !large.isEmpty { small.removeAll { large[$0.origin] != nil } }
        table = ZoneTable(small)
        count = table.count
        deepestOrigin = table.deepestOrigin
        for zone in large.values { insert(zone) }
    }

    private init(table: ZoneTable) {
        self.table = table
        changes = [:]
        hidden = 0
        changed = 0
        count = table.count
        deepestOrigin = table.deepestOrigin
    }

    /// How many zones the table holds, and how many changes lie on it (what tests look at).
    var tableCount: Int { table.count }
    var changeCount: Int { changes.count }

    /// Every zone, in no particular order.
    public var allZones: [Zone] {
        guard !changes.isEmpty else { return table.zones }
        // Table zones need a look at the changes only when the changes hide some.
        var zones = hidden == 0 ? table.zones : table.zones.filter { changes[$0.origin] == nil }
        zones.reserveCapacity(count)
        for case let zone? in changes.values { zones.append(zone) }
        return zones
    }

    /// The zone with exactly this origin.
    public func zone(origin: Name) -> Zone? { find(origin.lowercased()) }

    /// A copy with `zone` added or replacing the zone of the same origin.
    public func inserting(_ zone: Zone) -> ZoneSet {
        var copy = self
        copy.insert(zone)
        return copy
    }

    /// Adds `zone`, replacing the zone of the same origin: in place when this set's storage is not shared (many
    /// zones added to one copy cost one path copy, not one each).
    public mutating func insert(_ zone: Zone) {
        let origin = zone.origin
        changed |= Self.bit(origin)
        let change = changes.updateValue(zone, forKey: origin)
        if change == nil, table.zone(origin: origin) != nil {
            hidden += 1
        } else if change == nil || change! == nil {
            count += 1
        }
        deepestOrigin = max(deepestOrigin, origin.labelCount)
        rebuildWhenMostlyHidden()
    }

    /// Adds `zones` (a later one replacing an earlier one of the same origin). Many of them (a start's, a zones
    /// folder's, a quarter of the set or more) go in by building the table again from every zone, at a tenth of
    /// what inserting them one by one costs.
    public mutating func insert(contentsOf zones: [Zone]) {
        guard zones.count * 4 >= count, zones.count >= 64 else {
            for zone in zones { insert(zone) }
            return
        }
        self = ZoneSet(allZones + zones)
    }

    /// A copy without the zone of this origin.
    public func removing(origin: Name) -> ZoneSet {
        let key = origin.lowercased()
        guard find(key) != nil else { return self }
        var copy = self
        copy.count -= 1
        copy.changed |= Self.bit(key)
        if table.zone(origin: key) != nil {
            if copy.changes.updateValue(nil, forKey: key) == nil { copy.hidden += 1 }
            copy.rebuildWhenMostlyHidden()
        } else {
            copy.changes.removeValue(forKey: key)
        }
        return copy
    }

    /// The zone whose origin is the longest suffix of `name` (a lowercased name), if any.
    func closestZone(to name: Name) -> Zone? {
        let labels = name.labelCount
        return name.wire.withUnsafeBytes { wire in
            // The suffixes of at most `deepestOrigin` labels, longest first, read in place.
            var offset = 0
            for _ in 0 ..< max(0, labels - deepestOrigin) { offset += 1 + Int(wire[offset]) }
            while true {
                // The whole name is a key as it is: no copy for the changes' lookup.
                if let zone = offset == 0 ? find(name) : find(UnsafeRawBufferPointer(rebasing: wire[offset...])) {
                    return zone
                }
                guard wire[offset] != 0 else { return nil }
                offset += 1 + Int(wire[offset])
            }
        }
    }

    /// The zone of `origin` (lowercased).
    private func find(_ origin: Name) -> Zone? {
        origin.wire.withUnsafeBytes { wire in
            let hash = ZoneTable.hash(wire)
            if changed & Self.bit(hash) != 0, let change = changes[origin] { return change }
            return table.zone(wire: wire, hash: hash)
        }
    }

    /// The zone whose origin's wire form (lowercased) is `wire`.
    private func find(_ wire: UnsafeRawBufferPointer) -> Zone? {
        let hash = ZoneTable.hash(wire)
        if changed & Self.bit(hash) != 0, let change = changes[Name(uncheckedWire: Array(wire))] { return change }
        return table.zone(wire: wire, hash: hash)
    }

    private static func bit(_ hash: UInt64) -> UInt64 { 1 << (hash >> 58) }

    private static func bit(_ origin: Name) -> UInt64 { bit(origin.wire.withUnsafeBytes(ZoneTable.hash)) }

    private mutating func rebuildWhenMostlyHidden() {
        guard hidden * 8 > table.count else { return }
        self = ZoneSet(allZones)
    }
}
