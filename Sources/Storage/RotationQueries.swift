import GRDB

extension Database {
    /// Starts a rotation: stores the new key (state `published`) and the rotation, in one transaction. Throws
    /// `.duplicate` when the domain already has a rotation in progress (or a key of that selector), `.notFound`
    /// when the domain is gone.
    public func startRotation(_ rotation: DKIMRotationRow, newKey: DKIMKeyRow,
                              events: [WebhookMessageRow] = []) throws(StorageError) {
        try write { db in
            try rotation.insert(db)
            try newKey.insert(db)
            try Self.insert(events, db)
        }
    }

    /// The rotation in progress for a domain, if any.
    public func rotation(domainID: String) throws(StorageError) -> DKIMRotationRow? {
        try read { db in try DKIMRotationRow.fetchOne(db, key: domainID) }
    }

    /// Rotations whose check is due at `now`, the longest overdue first.
    public func dueRotations(now: Int64, limit: Int) throws(StorageError) -> [DKIMRotationRow] {
        try read { db in
            try DKIMRotationRow.fetchAll(db, sql: """
                SELECT * FROM dkim_rotations WHERE next_check_at <= ? ORDER BY next_check_at, domain_id LIMIT ?
                """, arguments: [now, limit])
        }
    }

    /// Stores what a check found: the served time and serial (when first known), what promotion waits for, the
    /// next check. Does nothing when the rotation is gone.
    public func updateRotation(_ rotation: DKIMRotationRow) throws(StorageError) {
        try write { db in
            guard try DKIMRotationRow.exists(db, key: rotation.domainID) else { return }
            try rotation.update(db)
        }
    }

    /// Ends a rotation: the new key becomes active, the old one retired (both from `now`), the row goes. One
    /// transaction; false when there was no such rotation.
    public func promoteRotation(domainID: String, now: Int64,
                                events: [WebhookMessageRow] = []) throws(StorageError) -> Bool {
        try write { db in
            guard let rotation = try DKIMRotationRow.fetchOne(db, key: domainID) else { return false }
            try db.execute(sql: "UPDATE dkim_keys SET state = 'active', state_since = ? WHERE domain_id = ? AND selector = ?",
                           arguments: [now, domainID, rotation.newSelector])
            try db.execute(sql: "UPDATE dkim_keys SET state = 'retired', state_since = ? WHERE domain_id = ? AND selector = ?",
                           arguments: [now, domainID, rotation.oldSelector])
            try Self.insert(events, db)
            return try rotation.delete(db)
        }
    }

    /// The domains with a key retired before `cutoff` (ms), at most `limit`.
    public func domainsWithRetiredKeys(before cutoff: Int64, limit: Int) throws(StorageError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT domain_id FROM dkim_keys WHERE state = 'retired' AND COALESCE(state_since, 0) < ?
                ORDER BY domain_id LIMIT ?
                """, arguments: [cutoff, limit])
        }
    }

    /// Removes a domain's keys retired before `cutoff` (ms). Returns how many went.
    public func removeRetiredKeys(domainID: String, before cutoff: Int64) throws(StorageError) -> Int {
        try write { db in
            try db.execute(sql: """
                DELETE FROM dkim_keys WHERE domain_id = ? AND state = 'retired' AND COALESCE(state_since, 0) < ?
                """, arguments: [domainID, cutoff])
            return db.changesCount
        }
    }

    /// Domains whose active RSA key has been active since before `cutoff` (ms) and that have no rotation in
    /// progress, the oldest first: what an automatic rotation schedule is due to rotate.
    public func domainsDueForRotation(activeSince cutoff: Int64, limit: Int) throws(StorageError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT k.domain_id FROM dkim_keys k
                WHERE k.state = 'active' AND k.algorithm <> 'ed25519' AND COALESCE(k.state_since, k.created_at) < ?
                  AND k.domain_id NOT IN (SELECT domain_id FROM dkim_rotations)
                ORDER BY COALESCE(k.state_since, k.created_at), k.domain_id LIMIT ?
                """, arguments: [cutoff, limit])
        }
    }
}
