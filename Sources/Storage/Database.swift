import CoreMetrics
import Dispatch
import GRDB

/// The domains API's state in SQLite: domains, their DKIM keys and mailboxes, API keys and zone serials.
///
/// Every public method is one transaction: it either applies completely or changes nothing, and reports
/// failures as `StorageError`. The methods block on SQLite: call them from a thread that may block, not from
/// the two threads of the cooperative pool. A file database is a `DatabasePool` in WAL mode: reads run
/// concurrently with each other and with the single writer; writes are serialized.
public final class Database: Sendable {
    private let writer: any DatabaseWriter

    /// Opens (or creates) the database file at `path` and brings its schema up to date.
    ///
    /// A missing parent folder is created with mode 0700; the file and its `-wal`/`-shm` companions get
    /// mode 0600 (they hold DKIM private keys). The journal is WAL; foreign keys are enforced.
    public init(path: String) throws(StorageError) {
        try DatabaseFile.prepare(path: path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw StorageError(error)
        }
        try DatabaseFile.restrictCompanions(of: path)
        writer = pool
    }

    /// A private in-memory database with the full schema, for tests. It disappears with the value.
    public static func inMemory() throws(StorageError) -> Database {
        do {
            let queue = try DatabaseQueue(configuration: configuration)
            try Migrations.migrator.migrate(queue)
            return Database(writer: queue)
        } catch {
            throw StorageError(error)
        }
    }

    private init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true  // GRDB's default; the cascades depend on it
        configuration.busyMode = .timeout(5)  // another process (a backup, the sqlite3 shell) holding a lock
        configuration.label = "WistDNS.Storage"
        return configuration
    }

    /// How long write transactions take, waiting for the lock included (`wistdns_sqlite_write_seconds`).
    private static let writeTimer = CoreMetrics.Timer(label: "wistdns_sqlite_write_seconds", preferredDisplayUnit: .seconds)

    /// Runs `body` in one write transaction; a throw rolls everything back.
    func write<T>(_ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { Self.writeTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        do {
            return try writer.write(body)
        } catch {
            throw StorageError(error)
        }
    }

    /// Throws unless a write transaction can begin now (the readiness check): takes SQLite's write lock with
    /// BEGIN IMMEDIATE and rolls back, changing nothing.
    public func checkWritable() throws(StorageError) {
        do {
            try writer.writeWithoutTransaction { db in try db.inTransaction(.immediate) { .rollback } }
        } catch {
            throw StorageError(error)
        }
    }

    /// `?, ?, ...`: the parameters of an `IN (...)` list of `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Runs `body` on a consistent snapshot of the database.
    func read<T>(_ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StorageError(error)
        }
    }
}
