import Foundation
import Storage

/// 2026-04-01T00:00:00Z in milliseconds.
let april2026: Int64 = 1_775_001_600_000

/// A pending domain `dom_<n>` named `d<n>.example`, created `n` seconds after `april2026`.
func domain(_ n: Int, name: String? = nil) -> DomainRow {
    let time = april2026 + Int64(n) * 1000
    return DomainRow(id: "dom_\(n)", name: name ?? "d\(n).example", createdAt: time, updatedAt: time)
}

/// An RSA DKIM key row for `domainID`.
func dkimKey(for domainID: String, selector: String = "wistmail") -> DKIMKeyRow {
    DKIMKeyRow(
        domainID: domainID, selector: selector, algorithm: "rsa",
        privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", publicKey: "MIIBIjAN",
        createdAt: april2026)
}

/// Inserts `domain(n)` with its key and returns the stored row.
@discardableResult
func addDomain(_ n: Int, to database: Database) throws -> DomainRow {
    let row = domain(n)
    return try database.insertDomain(row, key: dkimKey(for: row.id))
}

/// An active API key whose hash is `n` repeated to 64 hex characters.
func apiKey(_ n: Int, name: String = "ci") -> APIKeyRow {
    let hash = String(repeating: String(n % 16, radix: 16), count: 64)
    return APIKeyRow(
        id: "key_\(n)", name: name, prefix: "wm_abcdef\(n % 10)", keyHash: hash, scopes: "domains:manage",
        createdAt: april2026 + Int64(n))
}

/// A fresh folder under the system's temporary directory, removed with everything in it when the value goes away.
struct TemporaryFolder: ~Copyable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-\(UUID().uuidString)").path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A database file path inside a not yet existing sub-folder.
    var databasePath: String { path + "/state/wistdns.sqlite" }
}

/// The POSIX permission bits of a file or folder.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Records a change of zone `name` (placeholder record bytes) and returns the serial it was given.
func recordChange(of name: String, in database: Database, now: Int64) throws -> UInt32 {
    try database.saveZoneChange(name: name, now: now, limits: JournalLimits(), zoneRecords: 10) { serial in
        (ZoneVersionRow(name: name, serial: serial, records: Data([1]), recordCount: 1),
         ZoneChangeRow(fromSerial: 0, toSerial: serial, removed: Data(), added: Data(), recordCount: 2, createdAt: now))
    }
}
