import GRDB

extension Database {
    /// The verification schedule of a domain; nil when it was never checked.
    public func verificationState(domainID: String) throws(StorageError) -> VerificationStateRow? {
        try read { db in try VerificationStateRow.fetchOne(db, key: domainID) }
    }

    /// Domains whose automatic check is due at `now`, the longest overdue first. A domain never checked is due
    /// `firstCheckDelay` milliseconds after it was added.
    public func dueDomains(now: Int64, firstCheckDelay: Int64 = 60_000, limit: Int) throws(StorageError) -> [DomainRow] {
        try read { db in
            try DomainRow.fetchAll(db, sql: """
                SELECT d.* FROM domains d LEFT JOIN verification_state v ON v.domain_id = d.id
                WHERE (v.domain_id IS NULL AND d.created_at + ? <= ?)
                   OR (v.next_check_at IS NOT NULL AND v.next_check_at <= ?)
                ORDER BY COALESCE(v.next_check_at, d.created_at + ?), d.id
                LIMIT ?
                """, arguments: [firstCheckDelay, now, now, firstCheckDelay, limit])
        }
    }

    /// Stores a check's outcome and the next schedule in one transaction. Throws `.notFound` when the domain
    /// was deleted meanwhile.
    public func saveVerification(id: String, mx: Bool, spf: Bool, dkim: Bool, dmarc: Bool, status: DomainStatus,
                                 checkedAt: Int64, state: VerificationStateRow,
                                 events: [WebhookMessageRow] = []) throws(StorageError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE domains
                    SET mx_verified = ?, spf_verified = ?, dkim_verified = ?, dmarc_verified = ?, status = ?,
                        last_checked_at = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [mx, spf, dkim, dmarc, status, checkedAt, checkedAt, id])
            guard db.changesCount == 1 else { throw StorageError.notFound }
            try state.save(db)
            try Self.insert(events, db)
        }
    }
}
