import DNSWire
import Platform

/// Zones in one flat hash table, built at once from many zones (a start's, a zones folder's) and never changed:
/// `ZoneSet`'s base. A million zones go in at a tenth of a microsecond each, where a persistent hash tree took half
/// a microsecond on one core; an origin is found by hashing its octets where they lie, with no name made and no
/// tree walked.
///
/// Open addressing with linear probing, at most half full. Each slot holds the zone's address beside 16 bits of
/// its origin's hash, so a probe reads a zone only when those bits match, and then reads the zone object, whose
/// `OriginKey` holds the origin: one cache miss for the slot and one for the zone, which the answer reads next
/// anyway (a slot of the zone's index in `zones` and the origin's own buffer cost two more, the largest part of
/// a query's time in the server's own code). The hash is the standard library's,
/// seeded per process (unless `SWIFT_DETERMINISTIC_HASHING` is set): names that customers choose cannot be made
/// to collide.
final class ZoneTable: Sendable {
    /// The zones, each origin once.
    let zones: [Zone]
    /// 0 for an empty slot, else the hash's upper 16 bits, then the address of the zone (kept alive by `zones`).
    private let slots: [UInt64]
    /// `slots.count - 1` (a power of two less one).
    private let mask: Int
    /// The most labels an origin has.
    let deepestOrigin: Int

    /// The table without zones.
    static let empty = ZoneTable([])
    /// The most names a zone of a table may have (`ZoneSet` keeps larger ones among its changes).
    static let largestZone = 64
    /// Tables of at least this many zones are freed on `Zone.reclaimer`.
    static let deferredFreeThreshold = 4_096

    /// A table of `zones`; of two zones with the same origin, the later one is kept.
    init(_ zones: [Zone]) {
        let keys = Self.keys(zones)
        var capacity = 8
        while capacity < zones.count * 2 { capacity <<= 1 }
        // While the table is built a slot holds the zone's index in `kept` (plus one), as a zone kept may still be
        // replaced by a later one of the same origin; the indices become addresses once every zone is placed.
        var slots = [UInt64](repeating: 0, count: capacity)
        var kept: [Zone] = []
        kept.reserveCapacity(zones.count)
        let mask = capacity - 1
        for (zone, key) in zip(zones, keys) {
            var position = Int(truncatingIfNeeded: key.hash) & mask
            while true {
                let slot = slots[position]
                if slot == 0 {
                    kept.append(zone)
                    slots[position] = (key.hash & ~Self.addressMask) | UInt64(kept.count)
                    break
                }
                let index = Int(slot & Self.addressMask) - 1
                if Self.tag(slot) == Self.tag(key.hash), kept[index].origin == zone.origin {
                    kept[index] = zone
                    break
                }
                position = (position + 1) & mask
            }
        }
        for position in slots.indices where slots[position] != 0 {
            let slot = slots[position]
            slots[position] = Self.slot(tag: slot & ~Self.addressMask, zone: kept[Int(slot & Self.addressMask) - 1])
        }
        self.zones = kept
        self.slots = slots
        self.mask = mask
        deepestOrigin = keys.reduce(0) { max($0, $1.labels) }
    }

    /// Each zone's origin hashed and its labels counted: on every core for many zones, as reading a zone's origin
    /// is a cache miss or two (a third of building a million-zone table). The threads write into one buffer made
    /// beforehand: a block they made would be the first large one in heaps full of the build's small free blocks,
    /// and sort them all first.
    private static func keys(_ zones: [Zone]) -> [(hash: UInt64, labels: Int)] {
        @Sendable func key(_ zone: Zone) -> (hash: UInt64, labels: Int) {
            (zone.origin.wire.withUnsafeBytes(hash), zone.origin.labelCount)
        }
        guard zones.count >= 2 * chunk else { return zones.map(key) }
        return [(hash: UInt64, labels: Int)](unsafeUninitializedCapacity: zones.count) { buffer, count in
            let keys = Keys(base: buffer.baseAddress!)
            _ = Parallel.map(Array(stride(from: 0, to: zones.count, by: chunk))) { start in
                for index in start ..< min(start + chunk, zones.count) { (keys.base + index).initialize(to: key(zones[index])) }
            }
            count = zones.count
        }
    }

    /// The keys' buffer, which every thread writes at indices no other writes.
    private struct Keys: @unchecked Sendable {
        let base: UnsafeMutablePointer<(hash: UInt64, labels: Int)>
    }

    /// Zones hashed in one piece of work.
    private static let chunk = 16_384

    deinit {
        // A million references and their slots, freed off the DNS thread that dropped the last snapshot.
        guard zones.count >= Self.deferredFreeThreshold else { return }
        let zones = self.zones, slots = self.slots
        Zone.reclaimer.async { withExtendedLifetime((zones, slots)) {} }
    }

    /// The number of zones.
    var count: Int { zones.count }

    /// The zone whose origin's wire form (lowercased) is `wire`, if any.
    func zone(wire: UnsafeRawBufferPointer) -> Zone? {
        zone(wire: wire, hash: Self.hash(wire))
    }

    /// The same, given `hash(wire)`.
    func zone(wire: UnsafeRawBufferPointer, hash: UInt64) -> Zone? {
        guard !zones.isEmpty else { return nil }
        let key = OriginKey(wire)
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[position]
            if slot == 0 { return nil }
            if Self.tag(slot) == Self.tag(hash) {
                let zone = Self.zone(slot)
                if zone.hasOrigin(wire, key: key) { return zone }
            }
            position = (position + 1) & mask
        }
    }

    /// The zone of exactly `origin` (lowercased), if any.
    func zone(origin: Name) -> Zone? {
        origin.wire.withUnsafeBytes { zone(wire: $0) }
    }

    /// The hash of an origin's wire form, as the table hashes it.
    static func hash(_ wire: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(bytes: wire)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    private static func tag(_ value: UInt64) -> UInt64 { value >> 48 }

    /// The zone a slot holds; `zones` holds the reference.
    private static func zone(_ slot: UInt64) -> Zone {
        Unmanaged<Zone>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(slot & addressMask))!).takeUnretainedValue()
    }

    /// A slot of `zone` under `tag` (a hash's upper 16 bits, in place). The zone's address must fit 48 bits, as
    /// every user-space address on x86-64 and arm64 Linux does (a heap whose pointers carry tags in their top
    /// octet, arm64 MTE, stops the start here).
    private static func slot(tag: UInt64, zone: Zone) -> UInt64 {
        let address = UInt64(UInt(bitPattern: Unmanaged.passUnretained(zone).toOpaque()))
        precondition(address & ~addressMask == 0, "a zone's address does not fit 48 bits")
        return tag | address
    }

    private static let addressMask: UInt64 = 0xFFFF_FFFF_FFFF
}
