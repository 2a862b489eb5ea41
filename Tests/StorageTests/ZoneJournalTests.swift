import Foundation
import Storage
import Synchronization
import Testing

/// Zone versions and the IXFR journal: serials handed out with the change, the journal trimmed to its limits,
/// everything gone with the domain.
@Suite struct ZoneJournalTests {
    func change(_ database: Database, name: String, size: Int = 4, limits: JournalLimits = JournalLimits(),
                now: Int64 = april2026) throws -> UInt32 {
        let from = try #require(try database.zoneVersion(name: name)).version.serial
        return try database.saveZoneChange(name: name, now: now, limits: limits, zoneRecords: 10) { serial in
            (ZoneVersionRow(name: name, serial: serial, records: Data([UInt8(truncatingIfNeeded: serial)]), recordCount: 10),
             ZoneChangeRow(fromSerial: UInt32(from), toSerial: serial, removed: Data([1]), added: Data([2]),
                           recordCount: size, createdAt: now))
        }
    }

    @Test func aChangeTakesTheNextSerialForTheZoneAndItsDomain() throws {
        let database = try Database.inMemory()
        let stored = try addDomain(1, to: database)
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "d1.example", serial: stored.serial,
                                                         records: Data([0]), recordCount: 10))
        let serial = try change(database, name: "d1.example")
        #expect(serial > stored.serial)
        let row = try #require(try database.domain(id: "dom_1"))
        #expect(row.serial == serial)
        let found = try #require(try database.zoneVersion(name: "D1.example"))
        #expect(found.version.serial == Int64(serial))
        #expect(found.changes.map(\.toSerial) == [Int64(serial)])
        #expect(found.changes.map(\.fromSerial) == [Int64(stored.serial)])
    }

    @Test func theJournalKeepsTheNewestChangesWithinItsLimits() throws {
        let database = try Database.inMemory()
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "catalog.invalid", serial: 5, records: Data(),
                                                         recordCount: 10))
        var serials: [UInt32] = []
        for step in 0 ..< 6 {
            serials.append(try change(database, name: "catalog.invalid",
                                      limits: JournalLimits(maxChanges: 4, minRecordBudget: 100),
                                      now: april2026 + Int64(step) * 1000))
        }
        #expect(try database.zoneVersion(name: "catalog.invalid")?.changes.map(\.toSerial) == serials.suffix(4).map(Int64.init))
        // A record budget of 10 (the zone's size) with changes of 4 records keeps two.
        let last = try change(database, name: "catalog.invalid", limits: JournalLimits(maxChanges: 64, minRecordBudget: 0),
                              now: april2026 + 10_000)
        #expect(try database.zoneVersion(name: "catalog.invalid")?.changes.map(\.toSerial) == [Int64(serials[5]), Int64(last)])
    }

    /// A large zone (the catalog) stores a change as its journal entry only, and is read as its stored version
    /// with the changes since replayed: those changes must outlive the IXFR limits until a whole version is stored.
    @Test func changesSinceTheStoredVersionOutliveTheLimitsUntilAWholeVersion() throws {
        let database = try Database.inMemory()
        let name = "catalog.invalid"
        try database.saveFirstZoneVersion(ZoneVersionRow(name: name, serial: 5, records: Data([0]), recordCount: 100))
        let limits = JournalLimits(maxChanges: 2, minRecordBudget: 0)
        var serials: [UInt32] = [5]
        func save(whole: Bool, step: Int64) throws {
            let from = serials.last!
            serials.append(try database.saveZoneChange(name: name, now: april2026 + step * 1000, limits: limits, zoneRecords: 100) { serial in
                (whole ? ZoneVersionRow(name: name, serial: serial, records: Data([1]), recordCount: 100) : nil,
                 ZoneChangeRow(fromSerial: from, toSerial: serial, removed: Data([1]), added: Data([2]), recordCount: 4,
                               createdAt: april2026))
            })
        }
        for step in 0 ..< 5 { try save(whole: false, step: Int64(step)) }
        let stored = try #require(try database.zoneVersion(name: name))
        #expect(stored.version.serial == 5, "the stored version is not written again")
        let since = serials.dropFirst().map(Int64.init)
        #expect(stored.changes.map(\.toSerial) == since, "every change since it is kept, past maxChanges")
        #expect(ZoneChangeRow.changes(after: stored.version, in: stored.changes).map(\.toSerial) == since)
        let journal = try #require(try database.journalSinceStoredVersion(name: name))
        #expect(journal == 20)
        #expect(try database.zoneVersions(names: [name]).isEmpty, "the stored version is not the last one")

        try save(whole: true, step: 10)
        let whole = try #require(try database.zoneVersion(name: name))
        #expect(whole.version.serial == Int64(serials.last!))
        #expect(whole.changes.map(\.toSerial) == serials.suffix(2).map(Int64.init), "back to the limits")
        #expect(ZoneChangeRow.changes(after: whole.version, in: whole.changes).isEmpty)
        #expect(try database.journalSinceStoredVersion(name: name) == 0)
        #expect(try database.zoneVersions(names: [name])[name]?.serial == Int64(serials.last!))
    }

    @Test func aFirstVersionRecordsItsSerialAndClearsAnOldJournal() throws {
        let database = try Database.inMemory()
        let proposed = try database.proposedSerial(name: "catalog.invalid", now: april2026)
        #expect(proposed == UInt32(april2026 / 1000))
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "catalog.invalid", serial: proposed, records: Data(),
                                                         recordCount: 3))
        _ = try change(database, name: "catalog.invalid")
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "catalog.invalid", serial: proposed + 5, records: Data(),
                                                         recordCount: 3))
        #expect(try database.zoneVersion(name: "catalog.invalid")?.changes.isEmpty == true)
        // The same second again: the next proposal still moves past the recorded serial.
        #expect(try database.proposedSerial(name: "catalog.invalid", now: april2026) == proposed + 6)
    }

    /// The bytes of a stored version are not kept once written, whether first or changed: a cached statement kept
    /// its last arguments (a stored catalog, 50 MB at a million members) bound until it ran again.
    @Test func aStoredVersionsBytesAreFreedOnceWritten() throws {
        let database = try Database.inMemory()
        let freed = Mutex(0)
        func bytes(_ size: Int) -> Data {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 1)
            memory.initializeMemory(as: UInt8.self, repeating: 7, count: size)
            return Data(bytesNoCopy: memory, count: size, deallocator: .custom { pointer, _ in
                pointer.deallocate()
                freed.withLock { $0 += 1 }
            })
        }
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "catalog.invalid", serial: 1, records: bytes(4096),
                                                         recordCount: 3))
        #expect(freed.withLock { $0 } == 1)
        _ = try database.saveZoneChange(name: "catalog.invalid", now: april2026, limits: JournalLimits(),
                                        zoneRecords: 3) { serial in
            (ZoneVersionRow(name: "catalog.invalid", serial: serial, records: bytes(4096), recordCount: 3),
             ZoneChangeRow(fromSerial: 1, toSerial: serial, removed: Data([1]), added: Data([2]), recordCount: 2,
                           createdAt: april2026))
        }
        #expect(freed.withLock { $0 } == 2)
        #expect(try database.zoneVersion(name: "catalog.invalid")?.version.records == Data(repeating: 7, count: 4096))
    }

    @Test func deletingADomainDeletesItsZoneVersionAndJournal() throws {
        let database = try Database.inMemory()
        let stored = try addDomain(1, to: database)
        try database.saveFirstZoneVersion(ZoneVersionRow(name: "d1.example", serial: stored.serial,
                                                         records: Data([0]), recordCount: 10))
        _ = try change(database, name: "d1.example")
        #expect(try database.deleteDomain(id: "dom_1"))
        #expect(try database.zoneVersion(name: "d1.example") == nil)
        #expect(try database.deleteDomain(id: "dom_1") == false)
    }

    @Test func limitsCountRecordsAndChanges() {
        let limits = JournalLimits(maxChanges: 3, minRecordBudget: 10)
        #expect(limits.keptCount(newestFirst: [2, 2, 2, 2], zoneRecords: 1) == 3)
        #expect(limits.keptCount(newestFirst: [6, 6], zoneRecords: 1) == 1)
        #expect(limits.keptCount(newestFirst: [6, 6], zoneRecords: 12) == 2)
        #expect(limits.keptCount(newestFirst: [11], zoneRecords: 1) == 0)
        // A whole version once the changes since the stored one pass a sixteenth of it; a small zone every time.
        let share = JournalLimits()
        #expect(!share.storesWhole(size: 3, journaled: 6_000, zoneRecords: 100_000))
        #expect(share.storesWhole(size: 3, journaled: 6_250, zoneRecords: 100_000))
        #expect(share.storesWhole(size: 3, journaled: 0, zoneRecords: 7))
    }
}
