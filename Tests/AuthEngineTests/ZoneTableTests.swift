@testable import AuthEngine
import DNSWire
import Testing

/// `ZoneSet`'s two layers (a flat table built at once, and the changes since) against a plain dictionary.
@Suite("Zone sets: a table built at once, the changes on top")
struct ZoneTableTests {
    /// A zone of `origin` with serial `serial`, so versions of one origin tell apart.
    static func zone(_ origin: Name, serial: UInt32 = 1) throws -> Zone {
        let soa = Record(name: origin, type: .soa, ttl: 60, rdata: .soa(SOA(
            mname: try Name("ns.example.net."), rname: try Name("h.example.net."), serial: serial, refresh: 2,
            retry: 3, expire: 4, minimum: 5)))
        let ns = Record(name: origin, type: .ns, ttl: 60, rdata: .ns(try Name("ns.example.net.")))
        return try Zone(origin: origin, records: [soa, ns])
    }

    /// Origins that nest (a zone below another), of one to four labels, among a few hundred names.
    static func origins() throws -> [Name] {
        var names: [Name] = []
        for top in ["com", "net", "test"] {
            names.append(try Name("\(top)."))
            for second in 0 ..< 12 {
                names.append(try Name("d\(second).\(top)."))
                for third in 0 ..< 6 {
                    names.append(try Name("s\(third).d\(second).\(top)."))
                    names.append(try Name("x.s\(third).d\(second).\(top)."))
                }
            }
        }
        return names
    }

    /// The zone whose origin is the longest suffix of `name` among `model`'s, found by walking up.
    static func closest(_ name: Name, in model: [Name: Zone]) -> Zone? {
        var current: Name? = name
        while let candidate = current {
            if let zone = model[candidate] { return zone }
            current = candidate.parent
        }
        return nil
    }

    @Test("random inserts, removals and bulk inserts answer as a dictionary does, every snapshot unchanged after")
    func matchesADictionary() throws {
        var generator = SplitMix64(seed: 0x5EED_7AB1E)
        let origins = try Self.origins()
        let queries = try origins.flatMap { [$0, try Name("www.\($0.description)"), try Name("a.b.\($0.description)")] }
            + [Name.root, try Name("example.org.")]
        var set = ZoneSet(), model: [Name: Zone] = [:]
        var kept: [(ZoneSet, [Name: Zone])] = []
        var serial: UInt32 = 0
        var rebuilds = 0
        for step in 0 ..< 1_200 {
            serial += 1
            let before = set
            switch generator.next() % 20 {
            case 0:
                // Many at once: a start's or a folder's, some replacing zones held.
                let batch = try (0 ..< Int(generator.next() % 300)).map { _ in
                    try Self.zone(origins[Int(generator.next() % UInt64(origins.count))], serial: serial)
                }
                set.insert(contentsOf: batch)
                for zone in batch { model[zone.origin] = zone }
            case 1 ... 7:
                let origin = origins[Int(generator.next() % UInt64(origins.count))]
                set = set.removing(origin: origin)
                model[origin] = nil
            default:
                let zone = try Self.zone(origins[Int(generator.next() % UInt64(origins.count))], serial: serial)
                set = set.inserting(zone)
                model[zone.origin] = zone
            }
            if set.tableCount != before.tableCount || set.changeCount < before.changeCount { rebuilds += 1 }
            #expect(set.count == model.count, "step \(step)")
            #expect(Set(set.allZones.map(ObjectIdentifier.init)) == Set(model.values.map(ObjectIdentifier.init)))
            #expect(set.allZones.count == model.count)
            for origin in origins where set.zone(origin: origin) !== model[origin] {
                Issue.record("step \(step): \(origin) is \(String(describing: set.zone(origin: origin)?.serial))")
            }
            for name in queries where set.closestZone(to: name) !== Self.closest(name, in: model) {
                Issue.record("step \(step): the zone of \(name) differs")
            }
            if step % 50 == 0 { kept.append((set, model)) }
        }
        #expect(rebuilds > 5, "the table is built again along the way, not only at the start")
        for (snapshot, model) in kept {
            #expect(snapshot.count == model.count)
            for origin in origins { #expect(snapshot.zone(origin: origin) === model[origin]) }
        }
    }

    @Test("origins are found in any case, and a name finds the zone of its longest suffix")
    func lookups() throws {
        let zones = try ["example.com.", "sub.example.com.", "example.org.", "."].map { try Self.zone(try Name($0)) }
        let set = ZoneSet(zones)
        #expect(set.count == 4)
        #expect(set.zone(origin: try Name("EXAMPLE.Com.")) === zones[0])
        #expect(set.closestZone(to: try Name("a.b.sub.example.com.")) === zones[1])
        #expect(set.closestZone(to: try Name("www.example.com.")) === zones[0])
        #expect(set.closestZone(to: try Name("example.net.")) === zones[3])
        #expect(ZoneSet(zones.dropLast()).closestZone(to: try Name("example.net.")) == nil)
    }

    @Test("old versions the changes hide are let go once they are an eighth of the table, kept by older snapshots")
    func hiddenVersionsAreReleased() throws {
        let origins = try (0 ..< 400).map { try Name("d\($0).example.") }
        let first = ZoneSet(try origins.map { try Self.zone($0) })
        weak var oldest = first.zone(origin: origins[0])
        var set = first
        // Fifty replacements hide an eighth of 400: not yet let go.
        for origin in origins.prefix(50) { set.insert(try Self.zone(origin, serial: 2)) }
        let beforeRebuild = set
        #expect(set.tableCount == 400 && set.changeCount == 50)
        set.insert(try Self.zone(origins[50], serial: 2))
        #expect(set.changeCount == 0, "built again once more than an eighth is hidden")
        #expect(set.zone(origin: origins[0])?.serial == 2 && set.zone(origin: origins[399])?.serial == 1)
        #expect(oldest != nil, "the first snapshot still holds it")
        _ = consume first
        _ = consume beforeRebuild
        Zone.reclaimer.sync {}
        #expect(oldest == nil)
    }

    @Test("a large zone stays among the changes: its old version goes with the last snapshot that holds it")
    func largeZonesAreNotKeptByTheTable() throws {
        let origin = try Name("big.example.")
        var records = try Self.zone(origin).records
        for index in 0 ... ZoneTable.largestZone {
            records.append(Record(name: try Name("h\(index).big.example."), type: .a, ttl: 60, rdata: .a([192, 0, 2, 1])))
        }
        let small = try (0 ..< 100).map { try Self.zone(try Name("d\($0).example.")) }
        var set = ZoneSet(small + [try Zone(origin: origin, records: records)])
        weak var old = set.zone(origin: origin)
        #expect(set.count == 101 && set.tableCount == 100 && set.changeCount == 1)
        set.insert(try Zone(origin: origin, records: records))
        #expect(old == nil, "no table holds the version replaced")
        let host = try Name("h3.big.example.")
        #expect(set.count == 101 && set.closestZone(to: host) === set.zone(origin: origin))
        // Given large, then small: only the small one, in the table.
        let replaced = ZoneSet([try Zone(origin: origin, records: records), try Self.zone(origin)])
        #expect(replaced.count == 1 && replaced.tableCount == 1 && replaced.changeCount == 0)
    }

    @Test("a removed zone of the table stays removed, and comes back when inserted again")
    func removedAndAddedAgain() throws {
        let origin = try Name("a.example.")
        let set = ZoneSet([try Self.zone(origin), try Self.zone(try Name("b.example."))])
        let removed = set.removing(origin: origin)
        #expect(removed.zone(origin: origin) == nil && removed.count == 1)
        #expect(removed.closestZone(to: try Name("www.a.example.")) == nil)
        #expect(removed.removing(origin: origin).count == 1)
        let again = removed.inserting(try Self.zone(origin, serial: 9))
        #expect(again.zone(origin: origin)?.serial == 9 && again.count == 2)
        #expect(set.zone(origin: origin)?.serial == 1)
    }

    @Test("a large table is freed on the reclaimer queue, not by the thread that drops the last snapshot")
    func largeTablesAreFreedOffTheDroppingThread() throws {
        weak var zone: Zone?
        Zone.reclaimer.suspend()
        do {
            let set = ZoneSet(try (0 ..< ZoneTable.deferredFreeThreshold).map { try Self.zone(try Name("d\($0).example.")) })
            zone = set.zone(origin: try Name("d7.example."))
            #expect(zone != nil)
        }
        #expect(zone != nil, "the table is gone, its zones wait for the reclaimer")
        Zone.reclaimer.resume()
        Zone.reclaimer.sync {}
        #expect(zone == nil)
    }
}

/// A zone table compares a name with a zone's origin through the `OriginKey` in the zone object: the first 32
/// octets, then, for a longer origin, the origin itself.
@Suite("Origin keys: a name is the origin only when every octet is")
struct OriginKeyTests {
    @Test("origins of up to 32 octets and longer ones that share their first 32 octets tell apart")
    func everyOctetCounts() throws {
        let long = String(repeating: "a", count: 40)
        let names = try [
            "example.com.", "example.net.", "exampla.com.", "example.co.", "d00001.bench.test.",
            // 32 octets in wire form, and one octet longer or different at the end.
            "\(String(repeating: "b", count: 26)).abc.", "\(String(repeating: "b", count: 26)).abd.",
            "\(String(repeating: "b", count: 26)).abcd.",
            // Longer than 32 octets, the same first 32 and length, differing after.
            "\(long).x.", "\(long).y.", "\(long).xy.", "z.\(long).",
        ].map { try Name($0) }
        let zones = try names.map { try ZoneTableTests.zone($0) }
        for zone in zones {
            for name in names {
                let matches = name.wire.withUnsafeBytes { zone.hasOrigin($0, key: OriginKey($0)) }
                #expect(matches == (name == zone.origin), "\(name) against the zone \(zone.origin)")
            }
        }
        let set = ZoneSet(zones)
        for (name, zone) in zip(names, zones) {
            #expect(set.zone(origin: name) === zone)
            #expect(set.closestZone(to: try Name("www.\(name)")) === zone)
        }
    }
}

/// A zone of a few names finds a name by its length and label count first (`NodeTable.FewShape`), then by its
/// octets: every name and every empty non-terminal is still found, and names of the same length tell apart.
@Suite("Few-name zones: lengths and label counts before octets")
struct FewShapeTests {
    @Test("names of one length, names that nest, and empty non-terminals are found as they are")
    func findsEveryName() throws {
        let origin = try Name("example.com.")
        let owners = try ["example.com.", "a.example.com.", "b.example.com.", "ab.example.com.", "x.y.example.com.",
                          "_dmarc.example.com.", "s._domainkey.example.com.", "t._domainkey.example.com."].map { try Name($0) }
        let records = try owners.map { Record(name: $0, type: .txt, ttl: 60, rdata: .txt([Array($0.description.utf8)])) }
            + [Record(name: origin, type: .soa, ttl: 60, rdata: .soa(SOA(
                mname: try Name("ns.example.net."), rname: try Name("h.example.net."), serial: 1, refresh: 2, retry: 3,
                expire: 4, minimum: 5))),
               Record(name: origin, type: .ns, ttl: 60, rdata: .ns(try Name("ns.example.net.")))]
        let zone = try Zone(origin: origin, records: records)
        guard case .few = zone.nodes else { Issue.record("a zone of \(owners.count) names keeps them in an array"); return }
        // The table's size in the zone object: the shape fits the payload the tree case takes anyway (a
        // TreeDictionary and an Int: 32 octets and the case's, as before the shape was added).
        #expect(MemoryLayout<NodeTable>.size <= 33)
        for owner in owners {
            #expect(zone.node(owner)?.rrset(.txt)?.rdata == [.txt([Array(owner.description.utf8)])], "\(owner)")
        }
        for empty in try ["y.example.com.", "_domainkey.example.com."].map({ try Name($0) }) {
            #expect(zone.node(empty)?.isEmpty == true, "\(empty)")
        }
        for missing in try ["c.example.com.", "ac.example.com.", "z.example.com.", "x.example.com.",
                            "u._domainkey.example.com.", "a.a.example.com."].map({ try Name($0) }) {
            #expect(zone.node(missing) == nil, "\(missing)")
        }
    }
}
