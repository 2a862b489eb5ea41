import GRDB

extension Database {
    /// Stores a mailbox. Throws `.duplicate("localPart")` when the domain already has that local part,
    /// `.duplicate("id")` for a reused id, and `.notFound` when the domain does not exist.
    public func insertMailbox(_ mailbox: MailboxRow) throws(StorageError) {
        try write { db in try mailbox.insert(db) }
    }

    /// The mailboxes of a domain, oldest first; empty for an unknown domain.
    public func mailboxes(domainID: String) throws(StorageError) -> [MailboxRow] {
        try read { db in
            try MailboxRow.fetchAll(
                db, sql: "SELECT * FROM mailboxes WHERE domain_id = ? ORDER BY created_at, id", arguments: [domainID])
        }
    }
}
