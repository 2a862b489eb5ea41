@testable import Storage
import Testing

/// SOA serials: always greater than the zone's last one (RFC 1982), also after delete and re-add, and
/// after a restart.
@Suite struct SerialTests {
    @Test func newZoneStartsAtTheClock() throws {
        let database = try Database.inMemory()
        let stored = try addDomain(1, to: database)
        #expect(stored.serial == UInt32(domain(1).createdAt / 1000))
    }

    @Test func reAddedDomainContinuesAboveItsLastSerial() throws {
        let database = try Database.inMemory()
        var serials: [UInt32] = []
        for _ in 0..<3 {
            // Same name, same clock every time: only zone_serials can keep the serial moving up.
            serials.append(try addDomain(1, to: database).serial)
            #expect(try database.deleteDomain(id: "dom_1"))
        }
        #expect(serials == [serials[0], serials[0] + 1, serials[0] + 2])
    }

    @Test func zoneChangesIncreaseTheSerialEveryTime() throws {
        let database = try Database.inMemory()
        let first = try addDomain(1, to: database).serial
        let second = try recordChange(of: "d1.example", in: database, now: april2026)
        let third = try recordChange(of: "d1.example", in: database, now: april2026 + 3_600_000)
        #expect(second == first + 1)
        #expect(third == UInt32((april2026 + 3_600_000) / 1000))
        #expect(try database.domain(id: "dom_1")?.serial == third)
    }

    @Test func serialsSurviveReopen() throws {
        let folder = TemporaryFolder()
        let before: UInt32
        do {
            let database = try Database(path: folder.databasePath)
            before = try addDomain(1, to: database).serial
            #expect(try database.deleteDomain(id: "dom_1"))
        }
        let reopened = try Database(path: folder.databasePath)
        #expect(try addDomain(1, to: reopened).serial == before + 1)
    }

    @Test func serialArithmetic() {
        #expect(ZoneSerials.serial(after: nil, now: 1_000_000) == 1000)
        #expect(ZoneSerials.serial(after: 5, now: 1_000_000) == 1000)
        #expect(ZoneSerials.serial(after: 2000, now: 1_000_000) == 2001)
        #expect(ZoneSerials.serial(after: nil, now: -5) == 0)
        // Past 2106 the clock is clipped; the serial still moves on, wrapping as RFC 1982 allows.
        #expect(ZoneSerials.serial(after: nil, now: Int64.max) == UInt32.max)
        #expect(ZoneSerials.serial(after: UInt32.max, now: Int64.max) == 0)
        #expect(ZoneSerials.serial(after: 0, now: Int64.max) == 1)
    }
}
