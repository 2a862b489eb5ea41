import Foundation
import GRDB

/// A generated zone's last stored version with its journal, oldest change first.
public typealias StoredZoneVersion = (version: ZoneVersionRow, changes: [ZoneChangeRow])

extension Database {
    /// The stored version of zone `name` with its journal, oldest change first (the zone's last version is the
    /// stored one with the changes since replayed: `ZoneChangeRow.changes(after:in:)`); nil when none was stored.
    public func zoneVersion(name: String) throws(StorageError) -> StoredZoneVersion? {
        try read { db in
            guard let version = try ZoneVersionRow.fetchOne(db, key: name) else { return nil }
            let changes = try ZoneChangeRow.fetchAll(
                db, sql: "SELECT * FROM zone_journal WHERE name = ? ORDER BY seq", arguments: [name])
            return (version, changes)
        }
    }

    /// The stored versions of the zones `names` that are their last versions (no change was journaled from them),
    /// by name; the others are left out. One transaction.
    public func zoneVersions(names: [String]) throws(StorageError) -> [String: ZoneVersionRow] {
        guard !names.isEmpty else { return [:] }
        return try read { db in
            let rows = try ZoneVersionRow.fetchAll(db, sql: """
                SELECT * FROM zone_versions v WHERE name IN (\(Self.placeholders(names.count))) AND NOT EXISTS
                    (SELECT 1 FROM zone_journal j WHERE j.name = v.name AND j.from_serial = v.serial)
                """, arguments: StatementArguments(names))
            return Dictionary(rows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every stored zone version with its journal, oldest change first, found by lowercased name: one read for a
    /// start that serves every stored zone, instead of one transaction per zone.
    public func allZoneVersions() throws(StorageError) -> StoredVersions {
        try read { db in
            var changes: [String: [ZoneChangeRow]] = [:]
            let journal = try Row.fetchCursor(db, sql: "SELECT * FROM zone_journal ORDER BY seq")
            while let row = try journal.next() {
                changes[(row["name"] as String).lowercased(), default: []].append(try ZoneChangeRow(row: row))
            }
            // Columns by position, each row's octets copied straight into the table's buffers.
            let stored = try Row.fetchCursor(db, sql: "SELECT name, serial, records, record_count FROM zone_versions")
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM zone_versions") ?? 0
            return try StoredVersions(journals: changes, expectedCount: count) { add in
                while let row = try stored.next() {
                    let serial: Int64 = try row.decode(atIndex: 1), recordCount: Int = try row.decode(atIndex: 3)
                    try row.withUnsafeData(atIndex: 0) { name in
                        try row.withUnsafeData(atIndex: 2) { records in
                            (name ?? Data()).withUnsafeBytes { name in
                                (records ?? Data()).withUnsafeBytes { records in add(name, serial, records, recordCount) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stores the first version of a zone: any version and journal kept under that name are replaced, and the
    /// version's serial becomes the zone name's last serial (give it one from `proposedSerial` or from
    /// `insertDomain`, so serials still never go back).
    public func saveFirstZoneVersion(_ version: ZoneVersionRow) throws(StorageError) {
        try saveFirstZoneVersions(CollectionOfOne(version))
    }

    /// `saveFirstZoneVersion` for many zones in one transaction (a start that serves zones never stored before:
    /// one transaction each took minutes for a million).
    public func saveFirstZoneVersions(_ versions: some Collection<ZoneVersionRow>) throws(StorageError) {
        try write { db in
            for version in versions {
                try db.execute(sql: "DELETE FROM zone_journal WHERE name = ?", arguments: [version.name])
                try version.store(db)
                try ZoneSerials.record(db, name: version.name, serial: UInt32(truncatingIfNeeded: version.serial))
            }
        }
    }

    /// Replaces the stored bytes of a zone's version with another encoding of the same records (another order),
    /// leaving its serial, the journal and the serials as they are; nothing changes when the stored version has
    /// another serial by now.
    public func rewriteZoneVersion(_ version: ZoneVersionRow) throws(StorageError) {
        try write { db in
            try db.execute(sql: "UPDATE zone_versions SET records = ?, record_count = ? WHERE name = ? AND serial = ?",
                           arguments: [version.records, version.recordCount, version.name, version.serial])
        }
    }

    /// The serial a new version of zone `name` would get at time `now` (milliseconds since the epoch), without
    /// recording it: see `ZoneSerials`.
    public func proposedSerial(name: String, now: Int64) throws(StorageError) -> UInt32 {
        try read { db in ZoneSerials.serial(after: try ZoneSerials.last(db, name: name), now: now) }
    }

    /// Records a change of zone `name` in one transaction: hands out the zone's next serial (`zone_serials`,
    /// and the `domains` row of that name when there is one), asks `build` for the change that leads to it under
    /// that serial and, unless it returns none, the whole new version, stores them, and trims the journal to
    /// `limits`, keeping every change written since the stored version (which the zone's last version is read
    /// as: see `ZoneChangeRow.changes(after:in:)`). `zoneRecords` is the new version's record count. Returns the
    /// serial.
    public func saveZoneChange(
        name: String, now: Int64, limits: JournalLimits, zoneRecords: Int,
        _ build: (UInt32) throws -> (version: ZoneVersionRow?, change: ZoneChangeRow)
    ) throws(StorageError) -> UInt32 {
        try write { db in
            let serial = try ZoneSerials.next(db, name: name, now: now)
            try db.execute(
                sql: "UPDATE domains SET serial = ?, updated_at = ? WHERE name = ?", arguments: [serial, now, name])
            let (version, change) = try build(serial)
            try version?.store(db)
            try db.execute(
                sql: """
                    INSERT INTO zone_journal (name, from_serial, to_serial, removed, added, record_count, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, change.fromSerial, change.toSerial, change.removed, change.added,
                            change.recordCount, change.createdAt])
            let journal = try Self.journal(db, name: name)
            var kept = limits.keptCount(newestFirst: journal.map(\.size), zoneRecords: zoneRecords)
            // The changes since the stored version are kept whatever the limits: they are part of the zone.
            if let base = try Self.storedSerial(db, name: name) {
                kept = max(kept, ZoneChangeRow.chainLength(newestFirst: journal.lazy.map { ($0.from, $0.to) }, from: base))
            }
            if kept < journal.count {
                try db.execute(
                    sql: """
                        DELETE FROM zone_journal WHERE name = ? AND seq NOT IN
                            (SELECT seq FROM zone_journal WHERE name = ? ORDER BY seq DESC LIMIT ?)
                        """,
                    arguments: [name, name, kept])
            }
            return serial
        }
    }

    /// How many records the changes of zone `name` written since its stored version hold (what a read of the
    /// zone replays on that version); nil when no version is stored.
    public func journalSinceStoredVersion(name: String) throws(StorageError) -> Int? {
        try read { db in
            guard let base = try Self.storedSerial(db, name: name) else { return nil }
            let journal = try Self.journal(db, name: name)
            let since = ZoneChangeRow.chainLength(newestFirst: journal.lazy.map { ($0.from, $0.to) }, from: base)
            return journal.prefix(since).reduce(0) { $0 + $1.size }
        }
    }

    /// The serials and record counts of zone `name`'s journal, newest first.
    private static func journal(_ db: GRDB.Database, name: String) throws -> [(from: Int64, to: Int64, size: Int)] {
        try Row.fetchAll(
            db, sql: "SELECT from_serial, to_serial, record_count FROM zone_journal WHERE name = ? ORDER BY seq DESC",
            arguments: [name]
        ).map { ($0[0], $0[1], $0[2]) }
    }

    /// The serial of the stored version of `name`. Only that column, which comes before the records: a column
    /// after them is reached through every overflow page of a large zone's records (50 MB for a million members).
    private static func storedSerial(_ db: GRDB.Database, name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT serial FROM zone_versions WHERE name = ?", arguments: [name])
    }
}
