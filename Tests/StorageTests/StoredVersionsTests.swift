import Foundation
@testable import Storage
import Testing

/// The start's read-ahead of every stored zone version (`StoredVersions`): each found by its name's octets, with
/// its records and journal, and none found that was not stored.
struct StoredVersionsTests {
    /// `count` versions, names of many lengths, some spelled in upper case as an older release might have stored them.
    static func rows(_ count: Int) -> [(name: String, serial: Int64, records: [UInt8], recordCount: Int)] {
        (0 ..< count).map { (index: Int) -> (name: String, serial: Int64, records: [UInt8], recordCount: Int) in
            let name = index % 10 == 0 ? "D\(index).Example" : "d\(index)." + String(repeating: "x", count: index % 40) + ".example"
            let records: [UInt8] = Array("records of \(index)".utf8) + [UInt8](repeating: UInt8(index % 256), count: index % 700)
            return (name, Int64(index) * 3, records, index % 7)
        }
    }

    static func table(_ rows: [(name: String, serial: Int64, records: [UInt8], recordCount: Int)],
                      journals: [String: [ZoneChangeRow]] = [:]) -> StoredVersions {
        StoredVersions(journals: journals) { add in
            for row in rows {
                Array(row.name.utf8).withUnsafeBytes { name in
                    row.records.withUnsafeBytes { add(name, row.serial, $0, row.recordCount) }
                }
            }
        }
    }

    static func index(_ table: StoredVersions, _ name: String) -> Int? {
        Array(name.utf8).withUnsafeBytes { table.index(of: $0) }
    }

    @Test func everyVersionIsFoundByItsLowercasedNameAndNothingElse() throws {
        let rows = Self.rows(5_000)
        let table = Self.table(rows)
        #expect(table.count == rows.count)
        for row in rows {
            let index = try #require(Self.index(table, row.name.lowercased()), "\(row.name)")
            table.withVersion(at: index) { version in
                #expect(version.serial == row.serial && version.recordCount == row.recordCount)
                #expect(Array(version.records) == row.records && version.changes.isEmpty)
            }
            let copy = table.version(at: index)
            #expect(copy.version.name == row.name.lowercased() && copy.version.records == Data(row.records))
            #expect(Self.index(table, row.name.lowercased() + "x") == nil)
            #expect(Self.index(table, String(row.name.lowercased().dropLast())) == nil)
        }
        #expect(Self.index(table, "D10.Example") == nil, "names are looked up as stored: lowercased")
        #expect(Self.index(table, "") == nil)
        #expect(Self.index(Self.table([]), "d1.example") == nil)
    }

    @Test func journalsGoToTheirVersions() throws {
        let change = ZoneChangeRow(fromSerial: 3, toSerial: 4, removed: Data([1]), added: Data([2]), recordCount: 1,
                                   createdAt: 0)
        let table = Self.table(Self.rows(100), journals: ["d1.x.example": [change], "absent.example": [change]])
        let changed = try #require(Self.index(table, "d1.x.example"))
        table.withVersion(at: changed) { #expect($0.changes == [change]) }
        table.withVersion(at: try #require(Self.index(table, "d2.xx.example"))) { #expect($0.changes.isEmpty) }
        #expect(Self.index(table, "absent.example") == nil)
    }

    @Test func releasingOneBufferLeavesEveryNameAndTheOtherBuffers() throws {
        // Three buffers' worth of records.
        let rows = (0 ..< 3 * 33 * 1024).map { (index: Int) -> (name: String, serial: Int64, records: [UInt8], recordCount: Int) in
            let records = [UInt8](repeating: UInt8(index % 251), count: 1024)
            return ("d\(index).example", Int64(index), records, 1)
        }
        let table = Self.table(rows)
        #expect(table.bufferCount == 3)
        let released = try #require(table.buffer(of: 0))
        table.release(buffer: released)
        for (index, row) in rows.enumerated() {
            let found = try #require(Self.index(table, row.name))
            #expect(found == index)
            guard table.buffer(of: found) != released else { continue }
            table.withVersion(at: found) { #expect(Array($0.records) == row.records) }
        }
    }
}
