import GRDB

extension Database {
    /// Stores a new domain with its first DKIM key, and gives the domain the next serial of its zone name.
    ///
    /// Returns the row as stored (with its serial). Throws `.duplicate("name")` when a domain of that name
    /// exists (names compare without case), `.duplicate("id")` for a reused id, and `.other` when the key
    /// names another domain.
    public func insertDomain(_ domain: DomainRow, key: DKIMKeyRow) throws(StorageError) -> DomainRow {
        try insertDomain(domain, keys: [key])
    }

    /// `insertDomain(_:key:)` with every DKIM key of the domain (one per selector), and the webhook messages that
    /// report it, in the same transaction.
    public func insertDomain(_ domain: DomainRow, keys: [DKIMKeyRow],
                             events: [WebhookMessageRow] = []) throws(StorageError) -> DomainRow {
        if let stray = keys.first(where: { $0.domainID != domain.id }) {
            throw .other("the DKIM key belongs to \(stray.domainID), not \(domain.id)")
        }
        return try write { db in
            var stored = domain
            stored.serial = try ZoneSerials.next(db, name: domain.name, now: domain.createdAt)
            try stored.insert(db)
            for key in keys { try key.insert(db) }
            try Self.insert(events, db)
            return stored
        }
    }

    /// Adds a DKIM key to a stored domain. Throws `.duplicate("selector")` when the domain has a key of that
    /// selector, `.notFound` when the domain is gone.
    public func insertDKIMKey(_ key: DKIMKeyRow) throws(StorageError) {
        try write { db in try key.insert(db) }
    }

    /// The domain with this `id`, if any.
    public func domain(id: String) throws(StorageError) -> DomainRow? {
        try read { db in try DomainRow.fetchOne(db, key: id) }
    }

    /// The domain with this `id` with its DKIM keys and its rotation in progress, read in one transaction (a
    /// rotation's promotion changes keys and rotation together, and separate reads could fall on either side).
    public func storedDomain(id: String) throws(StorageError) -> StoredDomain? {
        try read { db in
            guard let row = try DomainRow.fetchOne(db, key: id) else { return nil }
            return StoredDomain(row: row, keys: try Self.keys(db, domainID: id),
                                rotation: try DKIMRotationRow.fetchOne(db, key: id))
        }
    }

    /// The domain with this name (compared without case), if any.
    public func domain(name: String) throws(StorageError) -> DomainRow? {
        try read { db in try DomainRow.fetchOne(db, sql: "SELECT * FROM domains WHERE name = ?", arguments: [name]) }
    }

    /// One page of domains, newest first (by `createdAt`, then `id`), each with its DKIM keys and rotation, and
    /// the number of domains in all, read in one transaction.
    ///
    /// `page` counts from 1; values below 1 are read as 1, and `pageSize` below 1 as 1.
    public func domains(page: Int, pageSize: Int) throws(StorageError) -> (rows: [StoredDomain], total: Int) {
        let limit = max(pageSize, 1)
        let (offset, overflow) = (max(page, 1) - 1).multipliedReportingOverflow(by: limit)
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM domains") ?? 0
            let rows =
                overflow
                ? []
                : try DomainRow.fetchAll(
                    db, sql: "SELECT * FROM domains ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                    arguments: [limit, offset])
            let rotations = try DKIMRotationRow.fetchAll(db, keys: rows.map(\.id))
            let rotationByDomain = Dictionary(uniqueKeysWithValues: rotations.map { ($0.domainID, $0) })
            let stored = try rows.map { row in
                StoredDomain(row: row, keys: try Self.keys(db, domainID: row.id), rotation: rotationByDomain[row.id])
            }
            return (stored, total)
        }
    }

    /// Every stored domain's row, without its keys (a start serves the stored zones from their versions).
    public func allDomainRows() throws(StorageError) -> [DomainRow] {
        try read { db in
            var rows: [DomainRow] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(DomainRow.selection) FROM domains")
            while let row = try cursor.next() { rows.append(try DomainRow(selected: row)) }
            return rows
        }
    }

    /// The domains of `ids` that still exist, each with its DKIM keys (by selector), in one transaction: what the
    /// DNS side builds their zones from. Each key's `privateKeyPEM` is left empty: DNS publishes only public keys,
    /// and a start need not read (and hold) every private key.
    public func domainsWithPublicKeys(ids: [String]) throws(StorageError) -> [(DomainRow, [DKIMKeyRow])] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            let list = Self.placeholders(ids.count)
            let arguments = StatementArguments(ids)
            let domains = try DomainRow.fetchAll(db, sql: "SELECT * FROM domains WHERE id IN (\(list))",
                                                 arguments: arguments)
            let keys = try DKIMKeyRow.fetchAll(
                db, sql: """
                    SELECT domain_id, selector, algorithm, '' AS private_key_pem, public_key, created_at, state, state_since
                    FROM dkim_keys WHERE domain_id IN (\(list)) ORDER BY domain_id, selector
                    """,
                arguments: arguments)
            return Self.withKeys(domains, keys)
        }
    }

    /// Every domain (by name) with its DKIM keys (by selector), private keys included (for the signers' export).
    public func allDomains() throws(StorageError) -> [(DomainRow, [DKIMKeyRow])] {
        try read { db in
            let domains = try DomainRow.fetchAll(db, sql: "SELECT * FROM domains ORDER BY name")
            let keys = try DKIMKeyRow.fetchAll(db, sql: "SELECT * FROM dkim_keys ORDER BY domain_id, selector")
            return Self.withKeys(domains, keys)
        }
    }

    /// Each domain with its keys (in the keys' order).
    private static func withKeys(_ domains: [DomainRow], _ keys: [DKIMKeyRow]) -> [(DomainRow, [DKIMKeyRow])] {
        let keysByDomain = Dictionary(grouping: keys, by: \.domainID)
        return domains.map { ($0, keysByDomain[$0.id] ?? []) }
    }

    /// The DKIM keys of a domain, by selector; empty for an unknown domain.
    public func dkimKeys(domainID: String) throws(StorageError) -> [DKIMKeyRow] {
        try read { db in try Self.keys(db, domainID: domainID) }
    }

    private static func keys(_ db: GRDB.Database, domainID: String) throws -> [DKIMKeyRow] {
        try DKIMKeyRow.fetchAll(db, sql: "SELECT * FROM dkim_keys WHERE domain_id = ? ORDER BY selector",
                                arguments: [domainID])
    }

    /// Deletes a domain with its DKIM keys and mailboxes (cascade) and its zone's stored version and journal.
    /// The zone name's last serial stays in `zone_serials`. Returns false when there was no such domain.
    public func deleteDomain(id: String, events: [WebhookMessageRow] = []) throws(StorageError) -> Bool {
        try write { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM domains WHERE id = ?", arguments: [id])
            else { return false }
            try db.execute(sql: "DELETE FROM zone_versions WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM zone_journal WHERE name = ?", arguments: [name])
            try Self.insert(events, db)
            return try DomainRow.deleteOne(db, key: id)
        }
    }

    /// The last serial handed out for the zone `name`, if any: what `undoInsertDomain` restores.
    public func lastSerial(name: String) throws(StorageError) -> UInt32? {
        try read { db in try ZoneSerials.last(db, name: name) }
    }

    /// Takes back an `insertDomain` whose zone could not be served, so that the failed request leaves nothing:
    /// the domain with its keys and mailboxes, its zone's stored version and journal, and the serial it was
    /// given (`previousSerial` again, or no row when the name had none), and the webhook messages `events` (ids)
    /// that reported the add.
    public func undoInsertDomain(id: String, name: String, previousSerial: UInt32?,
                                 events: [String] = []) throws(StorageError) {
        try write { db in
            for event in events { try db.execute(sql: "DELETE FROM webhook_outbox WHERE id = ?", arguments: [event]) }
            try db.execute(sql: "DELETE FROM zone_versions WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM zone_journal WHERE name = ?", arguments: [name])
            _ = try DomainRow.deleteOne(db, key: id)
            if let previousSerial {
                try ZoneSerials.record(db, name: name, serial: previousSerial)
            } else {
                try db.execute(sql: "DELETE FROM zone_serials WHERE name = ?", arguments: [name])
            }
        }
    }
}
