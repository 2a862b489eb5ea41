import GRDB

extension Database {
    /// Stores webhook messages on their own (for events whose change is already stored, such as a verification).
    public func enqueueWebhooks(_ messages: [WebhookMessageRow]) throws(StorageError) {
        guard !messages.isEmpty else { return }
        try write { db in try Self.insert(messages, db) }
    }

    /// The next messages due for `endpoint` at `now`, oldest first.
    public func dueWebhooks(endpoint: String, now: Int64, limit: Int) throws(StorageError) -> [WebhookMessageRow] {
        try read { db in
            try WebhookMessageRow.fetchAll(db, sql: """
                SELECT * FROM webhook_outbox WHERE endpoint = ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?
                """, arguments: [endpoint, now, limit])
        }
    }

    /// Removes a message (delivered, or given up).
    public func removeWebhook(id: String) throws(StorageError) {
        try write { db in try db.execute(sql: "DELETE FROM webhook_outbox WHERE id = ?", arguments: [id]) }
    }

    /// Records a failed delivery and when to try again.
    public func webhookFailed(id: String, error: String, nextAttemptAt: Int64) throws(StorageError) {
        try write { db in
            try db.execute(sql: """
                UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?
                """, arguments: [error, nextAttemptAt, id])
        }
    }

    /// How many messages wait, per endpoint.
    public func pendingWebhooks() throws(StorageError) -> [String: Int] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT endpoint, COUNT(*) AS n FROM webhook_outbox GROUP BY endpoint")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["endpoint"] as String, $0["n"] as Int) })
        }
    }

    static func insert(_ messages: [WebhookMessageRow], _ db: GRDB.Database) throws {
        for var message in messages { try message.insert(db) }
    }
}
