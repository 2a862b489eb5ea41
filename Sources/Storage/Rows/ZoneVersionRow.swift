import Foundation
import GRDB

/// One row of `zone_versions`: the stored version of a generated zone (its last version but for the changes
/// journaled since, see `ZoneChangeRow.changes(after:in:)`).
public struct ZoneVersionRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "zone_versions"

    /// The zone name as the domains table spells it (no trailing dot).
    public var name: String
    /// The SOA serial of this version.
    public var serial: Int64
    /// Every record of the version, in DNS wire form.
    public var records: Data
    /// How many records `records` holds.
    public var recordCount: Int

    public init(name: String, serial: UInt32, records: Data, recordCount: Int) {
        self.name = name
        self.serial = Int64(serial)
        self.records = records
        self.recordCount = recordCount
    }

    enum CodingKeys: String, CodingKey {
        case name, serial, records
        case recordCount = "record_count"
    }

    /// Inserts the row, or replaces the one of its name, through a statement made for it and finalized after: a
    /// cached statement (`save`) keeps its last arguments, and SQLite's copy of them, until it runs again, and a
    /// stored catalog is 50 MB at a million members.
    func store(_ db: GRDB.Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO zone_versions (name, serial, records, record_count) VALUES (?, ?, ?, ?)",
                       arguments: [name, serial, records, recordCount])
    }

    /// Reads the columns by name, without the Codable decoder (a start reads every row).
    public init(row: Row) throws {
        name = try row.decode(forColumn: "name")
        serial = try row.decode(forColumn: "serial")
        records = try row.decode(forColumn: "records")
        recordCount = try row.decode(forColumn: "record_count")
    }
}
