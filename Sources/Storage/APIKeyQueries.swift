import GRDB

extension Database {
    /// Stores an API key. Throws `.duplicate("keyHash")` when a key with the same hash exists and
    /// `.duplicate("id")` for a reused id.
    public func insertAPIKey(_ key: APIKeyRow) throws(StorageError) {
        try write { db in try key.insert(db) }
    }

    /// The key with this SHA-256 (lowercase hex), unless it was revoked: the lookup that authenticates a request.
    public func apiKey(hash: String) throws(StorageError) -> APIKeyRow? {
        try read { db in
            try APIKeyRow.fetchOne(
                db, sql: "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", arguments: [hash])
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func apiKeys() throws(StorageError) -> [APIKeyRow] {
        try read { db in try APIKeyRow.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at, id") }
    }

    /// Revokes the key with this `id` at time `at`. Returns false when no active key has that id.
    public func revokeAPIKey(id: String, at: Int64) throws(StorageError) -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at, id])
            return db.changesCount == 1
        }
    }

    /// Notes that a key authenticated a request at `at`: one UPDATE, which never moves the time backwards.
    public func touchAPIKey(id: String, at: Int64) throws(StorageError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET last_used_at = ?
                    WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)
                    """,
                arguments: [at, id, at])
        }
    }

    /// How many keys are not revoked.
    public func activeAPIKeyCount() throws(StorageError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL") ?? 0 }
    }
}
