import Foundation
import GRDB
import Storage
import Testing

/// The database file: schema from the migrations, WAL, foreign keys, private modes, surviving a restart.
@Suite struct SchemaTests {
    @Test func migrationsCreateTheSchema() throws {
        let folder = TemporaryFolder()
        _ = try Storage.Database(path: folder.databasePath)
        let raw = try DatabaseQueue(path: folder.databasePath)
        let tables = try raw.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["api_keys", "dkim_keys", "dkim_rotations", "domains", "grdb_migrations", "mailboxes",
                           "sqlite_sequence", "verification_state", "webhook_outbox", "zone_journal", "zone_serials",
                           "zone_versions"])
        let migrations = try raw.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1-domains-api", "v2-verification-schedule", "v3-zone-journal", "v4-dkim-rotation",
                               "v5-webhook-outbox"],
                "append-only, in order")
    }

    /// A database of the previous version keeps its keys, every one active, and takes no rotation it cannot hold.
    @Test func v4KeepsEveryKeyActive() throws {
        let folder = TemporaryFolder()
        let database = try Storage.Database(path: folder.databasePath)
        try addDomain(1, to: database)
        let keys = try database.allDomains().flatMap(\.1)
        #expect(!keys.isEmpty && keys.allSatisfy { $0.state == .active && $0.stateSince == nil })
        let raw = try DatabaseQueue(path: folder.databasePath)
        #expect(throws: (any Error).self) {
            try raw.write { db in try db.execute(sql: "UPDATE dkim_keys SET state = 'lost'") }
        }
    }

    @Test func fileIsWALWithForeignKeysAndPrivateModes() throws {
        let folder = TemporaryFolder()
        let path = folder.databasePath
        let database = try Storage.Database(path: path)
        try addDomain(1, to: database)

        #expect(try mode(of: path) == 0o600)
        #expect(try mode(of: path + "-wal") == 0o600)
        #expect(try mode(of: path + "-shm") == 0o600)
        #expect(try mode(of: folder.path + "/state") == 0o700)
        let raw = try DatabaseQueue(path: path)
        #expect(try raw.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        // Foreign keys are per connection: an unknown domain is refused through our connections.
        #expect(throws: StorageError.notFound) {
            try database.insertMailbox(MailboxRow(id: "mbx_1", domainID: "dom_404", localPart: "a", createdAt: 0))
        }
    }

    @Test func existingFileIsTightenedTo0600() throws {
        let folder = TemporaryFolder()
        _ = try Storage.Database(path: folder.databasePath)
        #expect(chmod(folder.databasePath, 0o644) == 0)
        _ = try Storage.Database(path: folder.databasePath)
        #expect(try mode(of: folder.databasePath) == 0o600)
    }

    @Test func reopeningKeepsTheData() throws {
        let folder = TemporaryFolder()
        let stored: DomainRow
        do {
            let database = try Storage.Database(path: folder.databasePath)
            stored = try addDomain(1, to: database)
            try database.insertAPIKey(apiKey(1))
        }
        let reopened = try Storage.Database(path: folder.databasePath)
        #expect(try reopened.domain(id: "dom_1") == stored)
        #expect(try reopened.dkimKeys(domainID: "dom_1") == [dkimKey(for: "dom_1")])
        #expect(try reopened.activeAPIKeyCount() == 1)
    }

    @Test func schemaRefusesBrokenRows() throws {
        let database = try Storage.Database.inMemory()
        var row = domain(1)
        row.id = "1"  // not dom_...
        #expect(throws: StorageError.self) { try database.insertDomain(row, key: dkimKey(for: "1")) }
        #expect(try database.domains(page: 1, pageSize: 10).total == 0)
    }
}
