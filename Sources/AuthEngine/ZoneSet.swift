import DNSWire
import HashTreeCollections

/// An immutable set of zones: the snapshot that queries read. Changing it makes a new value that shares every
/// untouched zone with the old one (a persistent hash tree), so publishing a change costs little.
public struct ZoneSet: Sendable {
    private var zones: TreeDictionary<Name, Zone>
    /// The most labels any origin has; longer query names start their suffix search there.
    private var deepestOrigin: Int

    /// An empty set.
    public init() {
        zones = [:]
        deepestOrigin = 0
    }

    /// A set holding `zones`; a later zone with the same origin replaces an earlier one.
    public init(_ zones: [Zone]) {
        self.init()
        for zone in zones { self = self.inserting(zone) }
    }

    /// The number of zones.
    public var count: Int { zones.count }

    /// Every zone, in no particular order.
    public var allZones: [Zone] { Array(zones.values) }

    /// The zone with exactly this origin.
    public func zone(origin: Name) -> Zone? { zones[origin.lowercased()] }

    /// A copy with `zone` added or replacing the zone of the same origin.
    public func inserting(_ zone: Zone) -> ZoneSet {
        var copy = self
        copy.insert(zone)
        return copy
    }

    /// Adds `zone`, replacing the zone of the same origin: in place when this set's storage is not shared (many
    /// zones added to one copy cost one path copy, not one each).
    public mutating func insert(_ zone: Zone) {
        zones[zone.origin] = zone
        deepestOrigin = max(deepestOrigin, zone.origin.labelCount)
    }

    /// A copy without the zone of this origin.
    public func removing(origin: Name) -> ZoneSet {
        var copy = self
        copy.zones[origin.lowercased()] = nil
        return copy
    }

    /// The zone whose origin is the longest suffix of `name` (a lowercased name), if any.
    func closestZone(to name: Name) -> Zone? {
        let labels = name.labelCount
        var drop = max(0, labels - deepestOrigin)
        while drop <= labels {
            if let zone = zones[name.dropping(labels: drop)] { return zone }
            drop += 1
        }
        return nil
    }
}
