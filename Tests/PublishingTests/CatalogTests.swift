import Foundation
@testable import AuthEngine
import DNSWire
import Logging
@testable import Publishing
@testable import Storage
import Synchronization
import Testing

/// Serves a small zone at `name` in `store`.
func addZone(_ name: String, to store: ZoneStore) throws {
    let origin = try Name(name)
    let records = try mailZone(serial: 1).map { var copy = $0; copy.name = origin; return copy }
    let zone = try Zone(origin: origin, records: records)
    store.update { $0.inserting(zone) }
}

@Suite("RFC 9432 catalog zone: version 2, one PTR per member with a stable id, rebuilt on changes")
struct CatalogTests {
    let catalog = try! Name("catalog.invalid.")

    @Test("records: SOA, NS invalid., version TXT \"2\", and a PTR per member under zones.")
    func records() throws {
        let members = [try Name("Example.COM."), try Name("example.org."), try Name("example.com.")]
        let records = try CatalogZone.records(origin: catalog, serial: 7, members: members)
        let text = records.map(\.description)
        #expect(text[0] == "catalog.invalid. 0 IN SOA invalid. invalid. 7 3600 600 2147483646 0")
        #expect(text[1] == "catalog.invalid. 0 IN NS invalid.")
        #expect(text[2] == "version.catalog.invalid. 0 IN TXT \"2\"")
        let ptrs = records.filter { $0.type == .ptr }
        #expect(ptrs.count == 2, "a member listed twice (in any case) appears once")
        #expect(Set(ptrs.map { $0.rdata }) == [.ptr(try Name("example.com.")), .ptr(try Name("example.org."))])
        for ptr in ptrs {
            let labels = ptr.name.description.split(separator: ".")
            #expect(labels.count == 4 && labels[1] == "zones" && labels[0].count == 16)
        }
        // Stable: the same member gets the same id in another catalog version with other members.
        let again = try CatalogZone.records(origin: catalog, serial: 8, members: [try Name("example.com.")])
        #expect(again.filter { $0.type == .ptr }.map(\.name) == ptrs.filter { $0.rdata == .ptr(try! Name("example.com.")) }.map(\.name))
        // And it is a valid zone.
        #expect(throws: Never.self) { try Zone(origin: catalog, records: records) }
    }

    /// A start compares the catalog it builds with the stored one byte for byte: in an order that changes from
    /// one process to the next (a dictionary's), it never matches and every start decodes and compares them.
    @Test("the member PTRs come in the order of their ids, whatever order the members are given in")
    func recordsInIdOrder() throws {
        let members = try (0 ..< 200).map { try Name("member\($0).example.") }
        let forward = try CatalogZone.records(origin: catalog, serial: 1, members: members)
        let backward = try CatalogZone.records(origin: catalog, serial: 1, members: members.reversed())
        #expect(forward == backward)
        let ids = forward.filter { $0.type == .ptr }.map { String($0.name.description.prefix(16)) }
        #expect(ids == ids.sorted() && ids.count == 200)
    }

    @Test("the maintainer lists every served zone, bumps the serial on changes only, journals them, and reports each version")
    func maintainer() throws {
        let store = ZoneStore()
        let database = try Database.inMemory()
        let published = Mutex<[UInt32]>([])
        let maintainer = try CatalogMaintainer(origin: catalog, store: store, versions: ZoneVersions(database: database),
                                           logger: Logger(label: "test"), delay: .milliseconds(1)) { zone in
            published.withLock { $0.append(zone.serial) }
        }
        func add(_ name: String) throws { try addZone(name, to: store) }
        try add("a.example.")
        try maintainer.rebuild()
        let first = try #require(store.snapshot.zone(origin: catalog))
        #expect(first.records.filter { $0.type == .ptr }.map(\.rdata) == [.ptr(try Name("a.example."))])

        try maintainer.rebuild()
        #expect(store.snapshot.zone(origin: catalog) === first, "no change, no new version")

        try add("b.example.")
        try maintainer.rebuild()
        let second = try #require(store.snapshot.zone(origin: catalog))
        #expect(SerialNumber(second.serial).isNewer(than: first.serial))
        #expect(second.records.filter { $0.type == .ptr }.count == 2)
        #expect(second.changes(since: first.serial)?.first?.added.map(\.rdata) == [.ptr(try Name("b.example."))])
        #expect(published.withLock { $0 } == [first.serial, second.serial])

        // A member leaves and another comes (the incremental path): the change holds exactly those two PTRs, and
        // the result equals a catalog built from scratch.
        store.update { $0.removing(origin: try! Name("a.example.")) }
        try add("c.example.")
        try maintainer.rebuild()
        let third = try #require(store.snapshot.zone(origin: catalog))
        let change = try #require(third.changes(since: second.serial)?.first)
        #expect(change.removed.map(\.rdata) == [.ptr(try Name("a.example."))])
        #expect(change.added.map(\.rdata) == [.ptr(try Name("c.example."))])
        let fresh = try CatalogZone.records(origin: catalog, serial: third.serial,
                                            members: [try Name("b.example."), try Name("c.example.")])
        #expect(Set(third.records) == Set(fresh))
    }

    @Test("before the first rebuild, changes schedule nothing; after it, a burst makes one rebuild on the maintainer's thread")
    func coalescing() async throws {
        let store = ZoneStore()
        let count = Mutex(0)
        let maintainer = try CatalogMaintainer(origin: catalog, store: store,
                                           versions: ZoneVersions(database: try Database.inMemory()),
                                           logger: Logger(label: "test"), delay: .milliseconds(50)) { _ in
            count.withLock { $0 += 1 }
        }
        // Start-up: every stored domain is published before the first rebuild, which must see them all.
        try addZone("a.example.", to: store)
        for _ in 0 ..< 20 { maintainer.membersChanged() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(count.withLock { $0 } == 0)
        #expect(store.snapshot.zone(origin: catalog) == nil)

        try maintainer.rebuild()
        #expect(count.withLock { $0 } == 1)
        try addZone("b.example.", to: store)
        for _ in 0 ..< 20 { maintainer.membersChanged() }
        for _ in 0 ..< 100 where count.withLock({ $0 }) == 1 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(count.withLock { $0 } == 2)
        #expect(store.snapshot.zone(origin: catalog)?.records.filter { $0.type == .ptr }.count == 2)
    }

    /// A start serves every other zone first and leaves the catalog's first version to the maintainer's thread
    /// (about a second per 100,000 members): `isServed` tells readiness when it is there.
    @Test("start() builds the first version on the maintainer's thread, and isServed turns true with it")
    func startBuildsInTheBackground() async throws {
        let store = ZoneStore()
        let maintainer = try CatalogMaintainer(origin: catalog, store: store,
                                               versions: ZoneVersions(database: try Database.inMemory()),
                                               logger: Logger(label: "test"), delay: .milliseconds(1))
        try addZone("a.example.", to: store)
        try addZone("b.example.", to: store)
        #expect(!maintainer.isServed)
        maintainer.start()
        for _ in 0 ..< 250 where !maintainer.isServed { try await Task.sleep(for: .milliseconds(20)) }
        #expect(maintainer.isServed)
        #expect(store.snapshot.zone(origin: catalog)?.records.filter { $0.type == .ptr }.count == 2)
    }

    /// An add among a million members must not compare them all: a rebuild after hints looks at the hinted names
    /// only, each checked against the snapshot; a reload's rebuild compares every zone.
    @Test("a rebuild after member hints changes only the hinted names that the snapshot confirms; membersChanged compares them all")
    func hintedRebuilds() throws {
        let store = ZoneStore()
        let maintainer = try CatalogMaintainer(origin: catalog, store: store,
                                               versions: ZoneVersions(database: try Database.inMemory()),
                                               logger: Logger(label: "test"), delay: .seconds(3600))
        func listed() -> Set<String> {
            Set((store.snapshot.zone(origin: catalog)?.records ?? []).compactMap {
                if case .ptr(let member) = $0.rdata { member.description } else { nil }
            })
        }
        try addZone("a.example.", to: store)
        try maintainer.rebuild()
        #expect(listed() == ["a.example."])

        try addZone("b.example.", to: store)
        try addZone("quiet.example.", to: store)  // served without a hint
        maintainer.memberChanged(try Name("b.example."), added: true)
        maintainer.memberChanged(try Name("never.example."), added: true)  // not in the snapshot: ignored
        try maintainer.rebuild()
        #expect(listed() == ["a.example.", "b.example."])

        store.update { $0.removing(origin: try! Name("a.example.")) }
        maintainer.memberChanged(try Name("a.example."), added: false)
        maintainer.memberChanged(try Name("b.example."), added: false)  // still served: stays
        try maintainer.rebuild()
        #expect(listed() == ["b.example."])

        maintainer.membersChanged()
        try maintainer.rebuild()
        #expect(listed() == ["b.example.", "quiet.example."])
    }

    /// A million members cannot be written whole for each add, nor listed and built again at each start: a change
    /// is journaled on the stored version, and a restart starts from the stored version with the journal replayed.
    @Test("changes are journaled on the stored catalog; a restart serves it with the journal replayed and changes only what came or went")
    func journaledAndRestarted() throws {
        let database = try Database.inMemory()
        // Changes stay in the journal until they hold as many records as the stored version.
        let versions = ZoneVersions(database: database, limits: JournalLimits(replayShare: 1))
        func ptrs(_ zone: Zone?) -> Set<Record> { Set((zone?.records ?? []).filter { $0.type == .ptr }) }
        func start(_ members: [String]) throws -> (ZoneStore, CatalogMaintainer) {
            let store = ZoneStore()
            for member in members { try addZone(member, to: store) }
            let maintainer = try CatalogMaintainer(origin: catalog, store: store, versions: versions,
                                                   logger: Logger(label: "test"), delay: .seconds(3600))
            try maintainer.rebuild()
            return (store, maintainer)
        }
        let members = (0 ..< 20).map { "m\($0).example." }
        let (store, maintainer) = try start(members)
        let first = try #require(store.snapshot.zone(origin: catalog))
        for member in ["n1.example.", "n2.example."] {
            try addZone(member, to: store)
            maintainer.memberChanged(try Name(member), added: true)
        }
        try maintainer.rebuild()
        let second = try #require(store.snapshot.zone(origin: catalog))
        #expect(SerialNumber(second.serial).isNewer(than: first.serial))
        guard case .tree = second.nodes else { Issue.record("not changed in place"); return }
        var stored = try #require(try database.zoneVersion(name: "catalog.invalid"))
        #expect(stored.version.serial == Int64(first.serial), "the change is journaled; the stored version stays")
        #expect(stored.changes.last?.toSerial == Int64(second.serial))

        // A restart with the same members serves the stored version with its journal: same serial, same records,
        // and IXFR from the first version still answered.
        let (same, _) = try start(members + ["n1.example.", "n2.example."])
        let restarted = try #require(same.snapshot.zone(origin: catalog))
        #expect(restarted.serial == second.serial)
        #expect(Set(restarted.records) == Set(second.records))
        #expect(restarted.changes(since: first.serial)?.count == 1)

        // One member gone and one come while stopped: one change from the stored catalog, ids kept.
        let (moved, _) = try start(members.dropFirst() + ["n1.example.", "n2.example.", "n3.example."])
        let third = try #require(moved.snapshot.zone(origin: catalog))
        let change = try #require(third.changes(since: second.serial)?.first)
        #expect(change.removed.map(\.rdata) == [.ptr(try Name("m0.example."))])
        #expect(change.added.map(\.rdata) == [.ptr(try Name("n3.example."))])
        #expect(ptrs(third) == ptrs(second).subtracting(change.removed).union(change.added))
        let fresh = try CatalogZone.records(origin: catalog, serial: third.serial, members: members.dropFirst().map { try Name($0) }
                                                + [try Name("n1.example."), try Name("n2.example."), try Name("n3.example.")])
        #expect(Set(third.records) == Set(fresh))
        stored = try #require(try database.zoneVersion(name: "catalog.invalid"))
        #expect(stored.version.serial == Int64(first.serial))

        // Past the share (more records journaled than the zone has), the whole version is stored and the journal
        // since is empty.
        let (shrunk, _) = try start(Array(members.prefix(5)))
        let fourth = try #require(shrunk.snapshot.zone(origin: catalog))
        stored = try #require(try database.zoneVersion(name: "catalog.invalid"))
        #expect(stored.version.serial == Int64(fourth.serial))
        #expect(ZoneChangeRow.changes(after: stored.version, in: stored.changes).isEmpty)
        #expect(ptrs(fourth).count == 5)
    }

    /// A restart lists the stored catalog's members with their ids and writes it again from that listing; that is
    /// only right when the stored records are exactly what a listing writes.
    @Test("a listing is read back from records a listing wrote, with the names given for its members, and from nothing else")
    func listingReadBack() throws {
        let members = try (0 ..< 12).map { try Name("member\($0).example.") }
        let records = try CatalogZone.records(origin: catalog, serial: 9, members: members)
        let served = Dictionary(uniqueKeysWithValues: members.map { ($0, Name(uncheckedWire: Array($0.wire))) })
        let listing = try #require(try CatalogZone.Listing(origin: catalog, records: records.reversed(),
                                                           shared: { served[$0] ?? $0 }))
        #expect(listing.members == Set(members))
        #expect(try CatalogZone.head(origin: catalog, serial: 9) + listing.records() == records)
        // Each member's name is the one given (the served zone's), not a second copy.
        let member = try #require(listing.members.first)
        let given = try #require(served[member])
        #expect(member.wire.withUnsafeBufferPointer { $0.baseAddress } == given.wire.withUnsafeBufferPointer { $0.baseAddress })

        let extra = Record(name: try Name("other", origin: catalog), type: .txt, ttl: 0, rdata: .txt([[0x31]]))
        #expect(try CatalogZone.Listing(origin: catalog, records: records + [extra]) == nil, "a record a listing does not write")
        #expect(try CatalogZone.Listing(origin: catalog, records: Array(records.dropFirst(2))) == nil, "no head")
        var upper = records
        let last = upper.count - 1
        upper[last].name = Name(uncheckedWire: upper[last].name.wire.map { (0x61 ... 0x66).contains($0) ? $0 - 0x20 : $0 })
        #expect(try CatalogZone.Listing(origin: catalog, records: upper) == nil, "an id not as a listing writes it")
    }

    /// The catalog is made from the zones served: stored bytes that no longer decode must not keep it (and
    /// readiness) away for good.
    @Test("a stored catalog that cannot be read is made again from the zones served, with a newer serial")
    func unreadableStoredCatalog() async throws {
        let database = try Database.inMemory()
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "catalog.invalid", serial: 5, records: Data([1, 2, 3]),
                                                         recordCount: 1))
        let store = ZoneStore()
        try addZone("a.example.", to: store)
        let versions = ZoneVersions(database: database)
        let maintainer = try CatalogMaintainer(origin: catalog, store: store, versions: versions,
                                               logger: Logger(label: "test"), delay: .milliseconds(1))
        maintainer.start()
        for _ in 0 ..< 150 where !maintainer.isServed { try await Task.sleep(for: .milliseconds(20)) }
        #expect(maintainer.isServed)
        let served = try #require(store.snapshot.zone(origin: catalog))
        #expect(SerialNumber(served.serial).isNewer(than: 5))
        #expect(served.records.filter { $0.type == .ptr }.map(\.rdata) == [.ptr(try Name("a.example."))])
        #expect(try versions.storedZone(origin: catalog)?.serial == served.serial, "stored again, readable")
    }

    /// Readiness waits for the catalog: a first build that fails on a database error must be tried again, not
    /// left until a member comes or goes.
    @Test("a first build that fails on a database error is tried again, and readiness follows once it succeeds")
    func firstBuildRetried() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wistdns.sqlite").path
        let database = try Database(path: path)
        // Another connection hides the serials table: every build fails until it is back.
        let other = try Database(path: path)
        try other.write { try $0.execute(sql: "ALTER TABLE zone_serials RENAME TO zone_serials_hidden") }
        let store = ZoneStore()
        try addZone("a.example.", to: store)
        let maintainer = try CatalogMaintainer(origin: catalog, store: store, versions: ZoneVersions(database: database),
                                               logger: Logger(label: "test"), delay: .milliseconds(1))
        maintainer.start()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!maintainer.isServed)
        try other.write { try $0.execute(sql: "ALTER TABLE zone_serials_hidden RENAME TO zone_serials") }
        for _ in 0 ..< 500 where !maintainer.isServed { try await Task.sleep(for: .milliseconds(20)) }
        #expect(maintainer.isServed)
    }
}
