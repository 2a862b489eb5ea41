import GRDB

/// The schema, as an append-only list of migrations.
///
/// Rules (architecture habit 14): a migration that has shipped is never edited, only followed by a new one;
/// migrations use raw SQL, never the row types, so they keep meaning the same thing when the code changes;
/// the schema itself holds the invariants (NOT NULL, UNIQUE, CHECK, FOREIGN KEY ... ON DELETE CASCADE).
enum Migrations {
    /// Every migration, in order. Names start with the schema version (`v1-...`).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-domains-api") { db in
            try db.execute(sql: v1DomainsAPI)
        }
        migrator.registerMigration("v2-verification-schedule") { db in
            try db.execute(sql: v2VerificationSchedule)
        }
        migrator.registerMigration("v3-zone-journal") { db in
            try db.execute(sql: v3ZoneJournal)
        }
        migrator.registerMigration("v4-dkim-rotation") { db in
            try db.execute(sql: v4DKIMRotation)
        }
        migrator.registerMigration("v5-webhook-outbox") { db in
            try db.execute(sql: v5WebhookOutbox)
        }
        return migrator
    }

    /// Domains with their DKIM keys and mailboxes, API keys, and the last SOA serial per zone name.
    ///
    /// Names compare without ASCII case (`COLLATE NOCASE`), so `Example.com` cannot be added next to
    /// `example.com`. `zone_serials` is deliberately not tied to `domains`: it outlives a deleted domain so
    /// that the zone, when added again, continues with a higher serial.
    private static let v1DomainsAPI = """
        CREATE TABLE domains (
            id TEXT NOT NULL PRIMARY KEY CHECK (substr(id, 1, 4) = 'dom_'),
            name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'verified', 'failed', 'temporary_failure')),
            mx_verified INTEGER NOT NULL DEFAULT 0 CHECK (mx_verified IN (0, 1)),
            spf_verified INTEGER NOT NULL DEFAULT 0 CHECK (spf_verified IN (0, 1)),
            dkim_verified INTEGER NOT NULL DEFAULT 0 CHECK (dkim_verified IN (0, 1)),
            dmarc_verified INTEGER NOT NULL DEFAULT 0 CHECK (dmarc_verified IN (0, 1)),
            serial INTEGER NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_checked_at INTEGER
        );
        CREATE INDEX domains_newest_first ON domains (created_at DESC, id DESC);

        CREATE TABLE dkim_keys (
            domain_id TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
            selector TEXT NOT NULL CHECK (selector <> ''),
            algorithm TEXT NOT NULL,
            private_key_pem TEXT NOT NULL,
            public_key TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (domain_id, selector)
        );

        CREATE TABLE mailboxes (
            id TEXT NOT NULL PRIMARY KEY CHECK (substr(id, 1, 4) = 'mbx_'),
            domain_id TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
            local_part TEXT NOT NULL CHECK (local_part <> ''),
            created_at INTEGER NOT NULL,
            UNIQUE (domain_id, local_part)
        );

        CREATE TABLE api_keys (
            id TEXT NOT NULL PRIMARY KEY CHECK (substr(id, 1, 4) = 'key_'),
            name TEXT NOT NULL,
            prefix TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
            scopes TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER,
            last_used_at INTEGER
        );

        CREATE TABLE zone_serials (
            name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            serial INTEGER NOT NULL CHECK (serial >= 0)
        );
        """

    /// The verification schedule of each domain, kept in the database so a restart resumes it. A domain
    /// without a row has never been checked and is first due a minute after it was added.
    private static let v2VerificationSchedule = """
        CREATE TABLE verification_state (
            domain_id TEXT NOT NULL PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
            next_check_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            verified_at INTEGER,
            failing_since INTEGER,
            last_report TEXT
        );
        CREATE INDEX verification_state_due ON verification_state (next_check_at);
        """

    /// The last published version of each generated zone and its recent changes, for IXFR (RFC 1995).
    ///
    /// Record lists are stored in DNS wire form (uncompressed owners). Like `zone_serials`, these rows are keyed
    /// by zone name, not tied to `domains`; deleting a domain deletes them explicitly.
    private static let v3ZoneJournal = """
        CREATE TABLE zone_versions (
            name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            serial INTEGER NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
            records BLOB NOT NULL,
            record_count INTEGER NOT NULL CHECK (record_count >= 0)
        );

        CREATE TABLE zone_journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL COLLATE NOCASE,
            from_serial INTEGER NOT NULL CHECK (from_serial BETWEEN 0 AND 4294967295),
            to_serial INTEGER NOT NULL CHECK (to_serial BETWEEN 0 AND 4294967295),
            removed BLOB NOT NULL,
            added BLOB NOT NULL,
            record_count INTEGER NOT NULL CHECK (record_count >= 0),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX zone_journal_by_zone ON zone_journal (name, seq);
        """

    /// The life of a DKIM key (issue 11): `published` (in DNS, not yet signed with), `active` (the key signers use),
    /// `retired` (published with an empty `p=`, RFC 6376 section 3.6.1, until it is removed), and the rotation of a
    /// domain in progress, with what it waits for. Every existing key is active.
    private static let v4DKIMRotation = """
        ALTER TABLE dkim_keys ADD COLUMN state TEXT NOT NULL DEFAULT 'active'
            CHECK (state IN ('published', 'active', 'retired'));
        ALTER TABLE dkim_keys ADD COLUMN state_since INTEGER;

        CREATE TABLE dkim_rotations (
            domain_id TEXT NOT NULL PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
            old_selector TEXT NOT NULL,
            new_selector TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            served_at INTEGER,
            served_serial INTEGER CHECK (served_serial BETWEEN 0 AND 4294967295),
            next_check_at INTEGER NOT NULL,
            waiting_for TEXT
        );
        CREATE INDEX dkim_rotations_due ON dkim_rotations (next_check_at);
        """

    /// Webhook messages waiting for delivery, one row per message and endpoint: written in the transaction of the
    /// change they report (so a change and its event are stored together or not at all), deleted once delivered,
    /// retried with backoff meanwhile. Not tied to `domains`: a deleted domain's `domain.deleted` must outlive it.
    private static let v5WebhookOutbox = """
        CREATE TABLE webhook_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE CHECK (substr(id, 1, 4) = 'msg_'),
            endpoint TEXT NOT NULL CHECK (endpoint <> ''),
            event TEXT NOT NULL CHECK (event <> ''),
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT
        );
        CREATE INDEX webhook_outbox_due ON webhook_outbox (endpoint, next_attempt_at, seq);
        """
}
