import Foundation
import AuthEngine
import DNSWire
import Publishing
import Storage
import Platform
import Testing

/// A small generated zone at `example.com.` with SOA serial `serial` and the given TXT text.
func mailZone(serial: UInt32, text: String = "v=spf1 ip4:192.0.2.25 -all") throws -> [Record] {
    let origin = try Name("example.com.")
    let ns = try Name("ns1.wistfare.net.")
    return [
        Record(name: origin, type: .soa, ttl: 3600, rdata: .soa(SOA(
            mname: ns, rname: try Name("hostmaster.wistfare.net."), serial: serial, refresh: 3600, retry: 600,
            expire: 1_209_600, minimum: 300))),
        Record(name: origin, type: .ns, ttl: 3600, rdata: .ns(ns)),
        Record(name: origin, type: .txt, ttl: 3600, rdata: .txt([Array(text.utf8)])),
    ]
}

let april2026: Int64 = 1_775_001_600_000

@Suite("ZoneVersions: serials that move only when records change, and a journal that survives restarts")
struct ZoneVersionsTests {
    let origin = try! Name("example.com.")

    @Test("a first version keeps its serial; the same records again keep it; a change takes a newer serial and is journaled")
    func lifecycle() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        let first = try versions.zone(origin: origin, records: try mailZone(serial: 100), current: nil, now: april2026)
        #expect(first.serial == 100)
        #expect(first.history.isEmpty)

        // Same records, another proposed serial (a restart): the stored serial stays.
        let again = try versions.zone(origin: origin, records: try mailZone(serial: 555), current: nil, now: april2026)
        #expect(again.serial == 100)
        let unchanged = try versions.zone(origin: origin, records: try mailZone(serial: 555), current: first, now: april2026)
        #expect(unchanged.serial == 100)

        // The SPF changes (new settings): a newer serial, one journaled change.
        let changed = try versions.zone(origin: origin, records: try mailZone(serial: 100, text: "v=spf1 -all"),
                                        current: first, now: april2026)
        #expect(SerialNumber(changed.serial).isNewer(than: 100))
        #expect(changed.history.count == 1)
        #expect(changed.history[0].fromSerial == 100 && changed.history[0].toSerial == changed.serial)
        #expect(changed.history[0].removed.count == 1 && changed.history[0].added.count == 1)

        // After a restart (nothing in memory) the journal comes back from SQLite and IXFR can use it.
        let restarted = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "v=spf1 -all"),
                                          current: nil, now: april2026)
        #expect(restarted.serial == changed.serial)
        #expect(restarted.history == changed.history)
        #expect(restarted.changes(since: 100)?.count == 1)
    }

    @Test("the same records in another order keep the serial and are stored again in the new order, so the next start finds the stored bytes")
    func reorderedRecordsAreStoredAgain() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        let records = try mailZone(serial: 100)
        _ = try versions.zone(origin: origin, records: records, current: nil, now: april2026)
        let reordered = [records[0], records[2], records[1]]
        let again = try versions.zone(origin: origin, records: reordered, current: nil, now: april2026 + 1000)
        #expect(again.serial == 100 && again.history.isEmpty)
        let stored = try #require(try database.zoneVersion(name: "example.com"))
        #expect(stored.version.serial == 100 && stored.changes.isEmpty)
        #expect(stored.version.records == Data(RecordList.encode(reordered)))
    }

    @Test("a start with every version read ahead serves what one read a zone would: serials, journal, a new zone; a second call reads the database again")
    func preloadingServesTheSame() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        let other = try Name("other.example.")
        let first = try versions.zone(origin: origin, records: try mailZone(serial: 100), current: nil, now: april2026)
        let changed = try versions.zone(origin: origin, records: try mailZone(serial: 100, text: "v=spf1 -all"),
                                        current: first, now: april2026)
        let plain = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "v=spf1 -all"),
                                      current: nil, now: april2026)
        try versions.preloading {
            let ahead = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "v=spf1 -all"),
                                          current: nil, now: april2026)
            #expect(ahead.serial == plain.serial && ahead.serial == changed.serial)
            #expect(ahead.history == plain.history && ahead.records == plain.records)
            // Changed again inside the start: the change is journaled after the read-ahead's version.
            let again = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "v=spf1 mx -all"),
                                          current: nil, now: april2026)
            #expect(SerialNumber(again.serial).isNewer(than: changed.serial) && again.history.count == 2)
            // A name with no stored version is stored as a first version.
            let fresh = try versions.zone(origin: other, records: try mailZone(serial: 7).map {
                Record(name: other, type: $0.type, ttl: $0.ttl, rdata: $0.rdata)
            }, current: nil, now: april2026)
            #expect(fresh.serial == 7 && fresh.history.isEmpty)
        }
        #expect(try database.zoneVersion(name: "other.example")?.version.serial == 7)
    }

    /// The first start after an import stores every zone's first version: in batches, not one transaction each
    /// (minutes for a million), and all of them before `preloading` returns, from every core.
    @Test("zones never stored, published from two threads inside a start, are all stored when it returns")
    func firstVersionsInBatches() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        let count = 4_500  // two full batches of 2,000 and a rest
        let names = try (0 ..< count).map { try Name("d\($0).example.") }
        try versions.preloading {
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                for index in stride(from: half, to: count, by: 2) {
                    let name = names[index]
                    let records = try! mailZone(serial: 9).map { Record(name: name, type: $0.type, ttl: $0.ttl, rdata: $0.rdata) }
                    #expect(try! versions.zone(origin: name, records: records, current: nil, now: april2026).serial == 9)
                }
            }
        }
        let stored = try database.allZoneVersions()
        #expect(stored.count == count)
        let last = try #require(Array("d4499.example".utf8).withUnsafeBytes { stored.index(of: $0) })
        #expect(stored.version(at: last).version.serial == 9)
    }

    /// A start reads every stored version ahead and builds each zone from its octets where they lie, giving each
    /// buffer back once its versions are read; a second ask for a name, or one after the read-ahead, goes to the
    /// database.
    @Test("inside a start every stored zone is served from the read-ahead as stored; asked again, from the database")
    func storedZonesFromTheReadAhead() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        // Enough for two buffers of the read-ahead (33 MiB each): 4 KB of TXT each. A buffer given back too early
        // is unmapped: reading it crashes.
        let names = try (0 ..< 9_000).map { try Name("d\($0).Example.") }
        let text = RData.txt([[UInt8]](repeating: [UInt8](repeating: UInt8(ascii: "v"), count: 250), count: 16))
        var expected: [Zone] = []
        try versions.preloading {
            for name in names {
                let records = try mailZone(serial: 7).map {
                    Record(name: name, type: $0.type, ttl: $0.ttl, rdata: $0.type == .txt ? text : $0.rdata)
                }
                expected.append(try versions.zone(origin: name, records: records, current: nil, now: april2026))
            }
        }
        let served = try versions.preloading {
            // From two threads, as a start builds them.
            let zones = Parallel.map(Array(names.indices)) { index in try! versions.storedZone(origin: names[index]) }
            let again = try versions.storedZone(origin: names[1])
            #expect(again?.records == expected[1].records, "the second ask reads the database")
            #expect(try versions.storedZone(origin: try Name("absent.example.")) == nil)
            return zones
        }
        for (zone, wanted) in zip(served, expected) {
            #expect(zone?.records == wanted.records && zone?.serial == 7 && zone?.origin == wanted.origin)
        }
        #expect(try versions.storedZone(origin: names[2])?.records == expected[2].records)
    }

    /// A start serves each stored zone from its stored bytes before generating anything, then asks whether the
    /// generated records still encode to those bytes.
    @Test("storedZone serves the stored version as it is; matchStored tells generated records that equal it from ones that do not")
    func storedZoneAndMatch() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        let other = try Name("other.example.")
        #expect(try versions.storedZone(origin: origin) == nil)
        let first = try versions.zone(origin: origin, records: try mailZone(serial: 100), current: nil, now: april2026)
        let changed = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "v=spf1 -all"),
                                        current: first, now: april2026)
        let stored = try #require(try versions.storedZone(origin: origin))
        #expect(stored.serial == changed.serial && stored.records == changed.records)
        #expect(stored.history == changed.history, "the journal comes with it, for IXFR")
        // Any proposed serial: the stored one is what counts.
        #expect(try versions.matchStored([
            (origin, try mailZone(serial: 7, text: "v=spf1 -all")),
            (origin, try mailZone(serial: 7, text: "v=spf1 mx -all")),
            (other, try mailZone(serial: 7)),
        ]) == [true, false, false])
    }

    /// A change is journaled before the zone is served: one the zone refuses must leave no journal entry, or the
    /// stored zone (replayed) and the one served would part.
    @Test("a change the zone refuses is journaled nowhere; one it takes is replayed by storedZone and matchStored says it is not the stored version")
    func appliedChanges() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database, limits: JournalLimits(replayShare: 100))
        let first = try versions.zone(origin: origin, records: try mailZone(serial: 100), current: nil, now: april2026)
        let soa = first.soa.records[0]
        let outside = Record(name: try Name("elsewhere.test."), type: .txt, ttl: 3600, rdata: .txt([[0x31]]))
        #expect(throws: ZoneError.self) {
            try versions.zone(applying: [], added: [outside], to: first, soa: soa, zoneRecords: 4, now: april2026)
        }
        #expect(try database.zoneVersion(name: "example.com")?.changes.isEmpty == true)
        let added = Record(name: try Name("_dmarc.example.com."), type: .txt, ttl: 3600, rdata: .txt([Array("v=DMARC1; p=none".utf8)]))
        let second = try versions.zone(applying: [], added: [added], to: first, soa: soa, zoneRecords: 4, now: april2026)
        #expect(second.serial != first.serial && second.changes(since: first.serial)?.first?.added == [added])
        let stored = try #require(try database.zoneVersion(name: "example.com"))
        #expect(stored.version.serial == Int64(first.serial), "journaled only")
        let read = try #require(try versions.storedZone(origin: origin))
        #expect(read.serial == second.serial && Set(read.records) == Set(second.records))
        #expect(try versions.matchStored([(origin, try mailZone(serial: 1))]) == [false])
    }

    /// Zones served in a start whose first versions could not be stored would later change without a new
    /// serial: the start fails instead, with the storage error.
    @Test("a batch of first versions that cannot be written makes the start throw")
    func firstVersionsFailure() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("first-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wistdns.sqlite").path
        let database = try Database(path: path)
        // Every insert into zone_versions fails from now on (the sqlite3 shell, Debian's sqlite3).
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [path, "CREATE TRIGGER refuse BEFORE INSERT ON zone_versions BEGIN SELECT RAISE(ABORT, 'refused'); END;"]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let versions = ZoneVersions(database: database)
        // Exactly one batch: the zone that fills it writes it. Each zone's own error is caught, as a start does.
        #expect(throws: (any Error).self) {
            try versions.preloading {
                for index in 0 ..< 2_000 {
                    let name = try Name("d\(index).example.")
                    let records = try mailZone(serial: 9).map { Record(name: name, type: $0.type, ttl: $0.ttl, rdata: $0.rdata) }
                    _ = try? versions.zone(origin: name, records: records, current: nil, now: april2026)
                }
            }
        }
    }

    @Test("every change gets a serial newer than the one before, even within one second")
    func serialsKeepGrowing() throws {
        let database = try Database.inMemory()
        let versions = ZoneVersions(database: database)
        var zone = try versions.zone(origin: origin, records: try mailZone(serial: UInt32(april2026 / 1000)),
                                     current: nil, now: april2026)
        for step in 0 ..< 5 {
            let next = try versions.zone(origin: origin, records: try mailZone(serial: 1, text: "step \(step)"),
                                         current: zone, now: april2026)
            #expect(SerialNumber(next.serial).isNewer(than: zone.serial))
            zone = next
        }
        #expect(zone.history.count == 5)
        #expect(zone.changes(since: UInt32(april2026 / 1000))?.count == 5)
    }
}
