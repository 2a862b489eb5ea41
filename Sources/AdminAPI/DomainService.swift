import DKIMKeys
import DNSWire
import MailRecords
import Storage

/// The domains API's behaviour, independent of HTTP: every method either does all of its change (database and
/// DNS) or none of it, and fails with an `APIError`.
public final class DomainService: Sendable {
    let database: Database
    let keys: DKIMKeyPool
    let publisher: any ZonePublisher
    let settings: ProviderSettings
    let offload: BlockingExecutor

    public init(database: Database, keys: DKIMKeyPool, publisher: any ZonePublisher, settings: ProviderSettings,
                offload: BlockingExecutor) {
        self.database = database
        self.keys = keys
        self.publisher = publisher
        self.settings = settings
        self.offload = offload
    }

    /// Serves the zone of every stored domain; called once at start-up. Returns how many were published.
    public func publishAll() throws -> Int {
        let all = try database.allDomains()
        for (row, keys) in all {
            let zone = try zone(for: row, keys: keys)
            try publisher.publish(origin: zone.origin, records: zone.records)
        }
        return all.count
    }

    /// One page of domains, newest first.
    func list(page: Int, pageSize: Int) async throws -> DomainPageJSON {
        let database = self.database
        let (rows, total, keys) = try await offload.run {
            let (rows, total) = try database.domains(page: page, pageSize: pageSize)
            return (rows, total, try rows.map { try database.dkimKeys(domainID: $0.id) })
        }
        let data = zip(rows, keys).map { json(for: $0, keys: $1) }
        return DomainPageJSON(data: data, total: total, page: page, pageSize: pageSize,
                              hasMore: page * pageSize < total)
    }

    /// One domain.
    func get(id: String) async throws -> DomainJSON {
        let database = self.database
        let found = try await offload.run { () -> (DomainRow, [DKIMKeyRow])? in
            guard let row = try database.domain(id: id) else { return nil }
            return (row, try database.dkimKeys(domainID: id))
        }
        guard let (row, keys) = found else { throw APIError.notFound("domain \(id)") }
        return json(for: row, keys: keys)
    }

    /// Adds a domain: validates the name, takes a DKIM key, stores both, and serves the zone before returning.
    func add(name input: String) async throws -> DomainJSON {
        let name: String
        do {
            name = try DomainNameValidator.normalize(input, settings: settings)
        } catch {
            throw APIError(.unprocessableContent, code: error.code, error.message)
        }
        let origin = try Name(name + ".")
        if publisher.isStaticZone(origin) {
            throw APIError(.unprocessableContent, code: "reserved_domain",
                           "\(name) is served from the provider's own zone files")
        }
        let database = self.database
        if try await offload.run({ try database.domain(name: name) }) != nil { throw Self.duplicate(name) }

        let key = try await keys.next()
        let now = Timestamp.nowMilliseconds()
        let id = "dom_" + SecureRandom.base62(16)
        let row = DomainRow(id: id, name: name, status: .pending, mxVerified: false, spfVerified: false,
                            dkimVerified: false, dmarcVerified: false, serial: 0, createdAt: now, updatedAt: now,
                            lastCheckedAt: nil)
        let keyRow = DKIMKeyRow(domainID: id, selector: settings.dkimSelector, algorithm: key.algorithm.rawValue,
                                privateKeyPEM: key.privateKeyPEM, publicKey: key.publicKeyBase64, createdAt: now)
        let stored: DomainRow
        do {
            stored = try await offload.run { try database.insertDomain(row, key: keyRow) }
        } catch StorageError.duplicate {
            throw Self.duplicate(name)
        }
        do {
            let zone = try zone(for: stored, keys: [keyRow])
            // Publishing stores the zone's first version in SQLite: off the cooperative pool.
            let publisher = self.publisher
            try await offload.run { try publisher.publish(origin: zone.origin, records: zone.records) }
        } catch {
            // Serving failed: take the domain out again so the request changes nothing.
            _ = try? await offload.run { try database.deleteDomain(id: id) }
            throw error
        }
        return json(for: stored, keys: [keyRow])
    }

    /// Deletes a domain with its keys and mailboxes, and stops serving its zone.
    func delete(id: String) async throws {
        let database = self.database
        let row = try await offload.run { () -> DomainRow? in
            guard let row = try database.domain(id: id) else { return nil }
            return try database.deleteDomain(id: id) ? row : nil
        }
        guard let row else { throw APIError.notFound("domain \(id)") }
        publisher.withdraw(origin: try Name(row.name + "."))
    }

    /// Adds a mailbox under a domain.
    func addMailbox(domainID: String, localPart input: String) async throws -> MailboxJSON {
        let localPart = try LocalPart.normalize(input)
        let database = self.database
        guard let domain = try await offload.run({ try database.domain(id: domainID) }) else {
            throw APIError.notFound("domain \(domainID)")
        }
        let row = MailboxRow(id: "mbx_" + SecureRandom.base62(16), domainID: domainID, localPart: localPart,
                             createdAt: Timestamp.nowMilliseconds())
        do {
            try await offload.run { try database.insertMailbox(row) }
        } catch StorageError.duplicate {
            throw APIError(.conflict, code: "mailbox_exists", "\(localPart)@\(domain.name) already exists")
        } catch StorageError.notFound {
            throw APIError.notFound("domain \(domainID)")
        }
        return Self.json(for: row, domain: domain.name)
    }

    /// The mailboxes of a domain.
    func mailboxes(domainID: String) async throws -> [MailboxJSON] {
        let database = self.database
        let found = try await offload.run { () -> (DomainRow, [MailboxRow])? in
            guard let domain = try database.domain(id: domainID) else { return nil }
            return (domain, try database.mailboxes(domainID: domainID))
        }
        guard let (domain, rows) = found else { throw APIError.notFound("domain \(domainID)") }
        return rows.map { Self.json(for: $0, domain: domain.name) }
    }

    // MARK: - Shapes

    private static func duplicate(_ name: String) -> APIError {
        APIError(.conflict, code: "domain_exists", "\(name) has already been added")
    }

    private func mailDomain(for row: DomainRow, keys: [DKIMKeyRow]) -> MailDomain {
        Self.mailDomain(for: row, keys: keys, settings: settings)
    }

    /// The mail policy of a stored domain: its name, its DKIM key for the configured selector, its serial.
    static func mailDomain(for row: DomainRow, keys: [DKIMKeyRow], settings: ProviderSettings) -> MailDomain {
        let key = keys.first { $0.selector == settings.dkimSelector } ?? keys.first
        let type: DKIMKeyType = key?.algorithm == DKIMAlgorithm.ed25519.rawValue ? .ed25519 : .rsa
        return MailDomain(name: row.name, dkimPublicKey: key?.publicKey ?? "", dkimKeyType: type,
                          serial: UInt32(truncatingIfNeeded: row.serial))
    }

    private func zone(for row: DomainRow, keys: [DKIMKeyRow]) throws -> (origin: Name, records: [Record]) {
        try MailZone.zoneRecords(for: mailDomain(for: row, keys: keys), settings: settings)
    }

    func json(for row: DomainRow, keys: [DKIMKeyRow]) -> DomainJSON {
        let records = MailZone.publishedRecords(for: mailDomain(for: row, keys: keys), settings: settings)
        let flags: [PublishedRecord.Kind: Bool] = [
            .mx: row.mxVerified, .spf: row.spfVerified, .dkim: row.dkimVerified, .dmarc: row.dmarcVerified,
        ]
        return DomainJSON(
            id: row.id, name: row.name, status: row.status.rawValue,
            verified: row.mxVerified && row.spfVerified && row.dkimVerified && row.dmarcVerified,
            records: records.map {
                RecordJSON(type: $0.type, name: $0.name, value: $0.value, priority: $0.priority,
                           verified: flags[$0.kind] ?? false)
            },
            createdAt: Timestamp.iso8601(milliseconds: row.createdAt),
            lastCheckedAt: row.lastCheckedAt.map(Timestamp.iso8601(milliseconds:)),
            nameservers: MailZone.delegation(settings: settings)
        )
    }

    private static func json(for row: MailboxRow, domain: String) -> MailboxJSON {
        MailboxJSON(id: row.id, domainId: row.domainID, localPart: row.localPart,
                    address: "\(row.localPart)@\(domain)", createdAt: Timestamp.iso8601(milliseconds: row.createdAt))
    }
}
