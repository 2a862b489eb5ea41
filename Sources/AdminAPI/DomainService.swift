import DKIMKeys
import Logging
import Synchronization
import DNSWire
import MailRecords
import Storage
import Platform

/// The domains API's behaviour, independent of HTTP: every method either does all of its change (database and
/// DNS) or none of it, and fails with an `APIError`.
public final class DomainService: Sendable {
    let database: Database
    let keys: DKIMKeyPool
    let publisher: any ZonePublisher
    let settings: ProviderSettings
    let offload: BlockingExecutor
    /// The stored domains that are not served, by id: the name, why, and whether the domain holds its name in
    /// the DNS side's claims (see `publishAll`). Their names count for the overlap check of new domains either way.
    private let unserved = Mutex<[String: (name: String, problem: String, held: Bool)]>([:])
    /// Why a stored domain is not served: for the API, for the log, and whether it holds its name all the same.
    private typealias NotServed = (problem: String, detail: String, held: Bool)

    /// The webhook receivers told of every add and delete (through the outbox, in the change's transaction).
    let webhooks: WebhookSettings

    public init(database: Database, keys: DKIMKeyPool, publisher: any ZonePublisher, settings: ProviderSettings,
                offload: BlockingExecutor, webhooks: WebhookSettings = .none) {
        self.database = database
        self.keys = keys
        self.publisher = publisher
        self.settings = settings
        self.offload = offload
        self.webhooks = webhooks
        (passiveChecks, passiveRequests) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
    }

    /// Claims and serves the zone of every stored domain; called once at start-up, after the zones folder is
    /// loaded. A domain whose name overlaps a zone served by other means, or whose zone cannot be built with the
    /// current settings, is skipped with an error log and listed with `serving: false` and the reason: one
    /// stored domain never stops the others or the server.
    ///
    /// Domains claim their names oldest first, so of two stored domains that overlap (stored before the overlap
    /// check existed), the one added first is served.
    ///
    /// A domain whose zone version is stored is served from it as it is, so the start does not wait for every
    /// zone's records to be generated again; `refreshStored` compares them afterwards, serves the ones that
    /// changed and withdraws (the name still held, listed as above) one whose zone cannot be built any more. The
    /// others (a first start after an import) are generated from their rows here.
    public func publishAll(logger: Logger) throws -> (served: Int, skipped: Int) {
        var rows = try database.allDomainRows()
        // In place: a sorted copy of a million rows was a fresh 200 MB of pages.
        rows.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let all = rows
        // Names one at a time and oldest first (which domain of an overlapping pair wins depends on it), on one
        // thread; the stored zones, which cost the CPU, on the others as their names are claimed.
        let claims = ClaimProgress(count: all.count)
        publisher.reserveClaims(all.count)
        let outcomes = Parallel.map(Array(all.indices), leading: {
            for (index, row) in all.enumerated() {
                let (origin, failure) = self.claimStored(row)
                if let failure { self.notServing(row, failure, logger: logger) }
                claims.record(index, origin: origin)
            }
        }) { index -> StartOutcome in
            // The zone's origin is the name claimed: one copy of it.
            guard let origin = claims.waitFor(index) else { return .notClaimed }
            let row = all[index]
            // A stored version that cannot be served is left to the generated records, which meet it again
            // (they are compared with it) and say why.
            let served = (try? publisher.publishStored(origin: origin, onQuery: onQuery(for: row)))
            return served == true ? .servedAsStored : .toGenerate
        }
        // One pass that copies ids only: filtering copies of the rows took 0.4 s of a million-domain start, alone
        // on one core.
        var servedIDs: [String] = [], generate: [DomainRow] = []
        servedIDs.reserveCapacity(all.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .servedAsStored: servedIDs.append(all[index].id)
            case .toGenerate: generate.append(all[index])
            case .notClaimed: break
            }
        }
        storedServed.withLock { $0 = servedIDs }
        // Zones stored nowhere yet: generated from their rows and keys, read in chunks.
        var added = 0
        for start in stride(from: 0, to: generate.count, by: Self.chunkSize) {
            let chunk = try database.domainsWithPublicKeys(ids: generate[start ..< min(start + Self.chunkSize, generate.count)].map(\.id))
            var work: [(DomainRow, [DKIMKeyRow])] = []
            for (row, stored) in chunk {
                let (keys, made) = try withEd25519Key(row, stored)
                added += made ? 1 : 0
                work.append((row, keys))
            }
            _ = Parallel.map(work) { row, keys in
                if let failure = serveClaimed(row, keys: keys) { notServing(row, failure, logger: logger) }
            }
        }
        if added > 0 { logger.info("made Ed25519 DKIM keys for \(added) domains that had none") }
        let skipped = unserved.withLock { $0.count }
        return (all.count - skipped, skipped)
    }

    /// How many stored domains a start reads and compares in one go.
    static let chunkSize = 512

    /// The domains `publishAll` served from their stored versions, by id, oldest first, until `refreshStored`.
    private let storedServed = Mutex<[String]>([])

    /// After `publishAll` (the DNS server answering): generates the records of every domain served from its stored
    /// version and serves them when they differ from the version stored now (the settings changed since it was
    /// stored, a newer release writes them otherwise, Ed25519 keys were turned on). A chunk of domains at a time
    /// on the storage queue, rows and versions read in the chunk's job, so API changes go between chunks and
    /// never race a comparison. Returns how many zones changed.
    @discardableResult
    public func refreshStored(logger: Logger) async -> Int {
        let ids = storedServed.withLock { ids in
            defer { ids = [] }
            return ids
        }
        var changed = 0, added = 0
        for start in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            // A stop does not wait for the rest: the stored versions stay served, and the next start compares them.
            if Task.isCancelled {
                logger.info("stopped comparing stored zones with their domains after \(start) of \(ids.count)")
                return changed
            }
            let chunk = Array(ids[start ..< min(start + Self.chunkSize, ids.count)])
            do {
                let (chunkChanged, chunkAdded) = try await offload.run { try self.refresh(chunk, logger: logger) }
                changed += chunkChanged
                added += chunkAdded
            } catch {
                logger.error("cannot compare stored zones with their domains: \(error)")
            }
        }
        if added > 0 { logger.info("made Ed25519 DKIM keys for \(added) domains that had none") }
        if !ids.isEmpty {
            logger.info("compared \(ids.count) stored zones with their domains: \(changed) changed")
        }
        return changed
    }

    /// `refreshStored` for one chunk of ids, on the storage queue.
    private func refresh(_ ids: [String], logger: Logger) throws -> (changed: Int, added: Int) {
        var added = 0
        var zones: [(row: DomainRow, origin: Name, records: [Record])] = []
        for (row, stored) in try database.domainsWithPublicKeys(ids: ids) where unserved.withLock({ $0[row.id] == nil }) {
            let keys: [DKIMKeyRow]
            do {
                let made: Bool
                (keys, made) = try withEd25519Key(row, stored)
                added += made ? 1 : 0
            } catch {
                // Storage (or key generation) failed, not the records: the stored version stays served.
                logger.error("cannot compare \(row.name) (\(row.id)) with its stored zone: \(error)",
                             metadata: ["domain": "\(row.id)", "name": "\(row.name)"])
                continue
            }
            do {
                let zone = try zone(for: row, keys: keys)
                zones.append((row, zone.origin, zone.records))
            } catch {
                // As at a start that generates it: not served, the name still held, listed with the reason.
                publisher.withdraw(origin: try Name(row.name + "."))
                let problem = "its zone cannot be built: \(error)"
                notServing(row, (problem, problem, true), logger: logger)
            }
        }
        var changed = 0
        for (zone, same) in zip(zones, try publisher.matchStored(zones.map { ($0.origin, $0.records) })) where !same {
            do {
                try publisher.publish(origin: zone.origin, records: zone.records, onQuery: onQuery(for: zone.row))
                changed += 1
            } catch {
                // Its stored version stays served.
                logger.error("cannot serve the new records of \(zone.row.name) (\(zone.row.id)): \(error)",
                             metadata: ["domain": "\(zone.row.id)", "name": "\(zone.row.name)"])
            }
        }
        return (changed, added)
    }

    /// A stored domain's keys, with an Ed25519 key made and stored when the provider turned Ed25519 on since the
    /// domain was added; and whether one was made.
    private func withEd25519Key(_ row: DomainRow, _ keys: [DKIMKeyRow]) throws -> ([DKIMKeyRow], Bool) {
        guard settings.dkimEd25519Selector != nil, !keys.contains(where: { Self.keyType($0) == .ed25519 }),
              let key = try Self.ed25519Key(domainID: row.id, settings: settings, now: SystemClock.wallMilliseconds())
        else { return (keys, false) }
        try database.insertDKIMKey(key)
        return (keys + [key], true)
    }

    /// What a start did with a stored domain.
    private enum StartOutcome {
        case notClaimed, servedAsStored, toGenerate
    }

    /// How far the claims of a start have come, for the threads that serve the claimed domains' zones.
    private final class ClaimProgress: @unchecked Sendable {
        // @unchecked: each slot is written once, by the claiming thread, before `done` is raised past it
        // (releasing); readers look at a slot only after seeing `done` past it (acquiring).
        private let claimed: UnsafeMutableBufferPointer<Name?>
        private let done = Atomic(0)

        init(count: Int) {
            claimed = .allocate(capacity: max(count, 1))
            claimed.initialize(repeating: nil)
        }

        deinit {
            claimed.deinitialize()
            claimed.deallocate()
        }

        /// Records the claim of item `index` (the items are claimed in order): the name claimed, nil when refused.
        func record(_ index: Int, origin: Name?) {
            claimed[index] = origin
            done.store(index + 1, ordering: .releasing)
        }

        /// Waits until item `index` has been through its claim; the name claimed, nil when refused.
        func waitFor(_ index: Int) -> Name? {
            while done.load(ordering: .acquiring) <= index { SystemClock.sleep(for: .microseconds(100)) }
            return claimed[index]
        }
    }

    /// The `onQuery` a stored domain's zone is published with: a domain waiting for verification is checked as soon
    /// as its zone is asked from outside.
    private func onQuery(for row: DomainRow) -> (@Sendable () -> Void)? {
        guard row.status == .pending || row.status == .temporaryFailure else { return nil }
        let id = row.id, requests = passiveRequests
        return { requests.yield(id) }
    }

    /// Records and logs why a stored domain is not served.
    private func notServing(_ row: DomainRow, _ failure: NotServed, logger: Logger) {
        logger.error("not serving \(row.name) (\(row.id)): \(failure.detail)",
                     metadata: ["domain": "\(row.id)", "name": "\(row.name)"])
        unserved.withLock { $0[row.id] = (row.name, failure.problem, failure.held) }
    }

    /// Tries again to serve the stored domains that could not claim their names (a zone file overlapped them):
    /// called after each reload of the zones folder, so a domain comes back once the file that took its place
    /// is gone. Runs on the storage queue like every change of the API. Returns how many are served now.
    public func republishUnserved(logger: Logger) async throws -> Int {
        let database = self.database
        return try await offload.run {
            let waiting = self.unserved.withLock { $0.filter { !$0.value.held } }
            var served = 0
            for id in waiting.keys.sorted() {
                guard let row = try database.domain(id: id) else { continue }
                if let (problem, detail, held) = self.publishStored(row, keys: try database.dkimKeys(domainID: id)) {
                    self.unserved.withLock { $0[id] = (row.name, problem, held) }
                    logger.debug("still not serving \(row.name) (\(id)): \(detail)")
                } else {
                    self.unserved.withLock { _ = $0.removeValue(forKey: id) }
                    logger.notice("serving \(row.name) (\(id)) again: nothing overlaps it any more",
                                  metadata: ["domain": "\(id)", "name": "\(row.name)"])
                    served += 1
                }
            }
            return served
        }
    }

    /// Claims and serves one stored domain; returns why not when it cannot be (for the API, and for the log), and
    /// whether the domain holds its name all the same.
    private func publishStored(_ row: DomainRow, keys: [DKIMKeyRow]) -> NotServed? {
        claimStored(row).failure ?? serveClaimed(row, keys: keys)
    }

    /// Claims a stored domain's name; returns the name claimed, or why not.
    private func claimStored(_ row: DomainRow) -> (origin: Name?, failure: NotServed?) {
        let origin: Name
        do {
            origin = try Name(row.name + ".")
        } catch {
            let problem = "the name is not a valid DNS name: \(error)"
            return (nil, (problem, problem, false))
        }
        do {
            try publisher.claim(origin: origin)
        } catch {
            return (nil, ("the name \(error.reason)", "the name \(error.detail)", false))
        }
        return (origin, nil)
    }

    /// Serves the zone of a stored domain whose name it holds; returns why not when it cannot be built. Safe to call
    /// for several domains at once.
    private func serveClaimed(_ row: DomainRow, keys: [DKIMKeyRow]) -> NotServed? {
        do {
            _ = try publishZone(row, keys: keys)
            return nil
        } catch {
            // The name stays claimed: it is still this customer's, even while its zone cannot be served.
            let problem = "its zone cannot be built: \(error)"
            return (problem, problem, true)
        }
    }

    /// One page of domains, newest first.
    func list(page: Int, pageSize: Int) async throws -> DomainPageJSON {
        let database = self.database
        let (stored, total) = try await offload.run { try database.domains(page: page, pageSize: pageSize) }
        let data = stored.map { json(for: $0.row, keys: $0.keys, rotation: $0.rotation) }
        return DomainPageJSON(data: data, total: total, page: page, pageSize: pageSize,
                              hasMore: page * pageSize < total)
    }

    /// One domain, its keys and rotation read together.
    func get(id: String) async throws -> DomainJSON {
        let stored = try await stored(id: id)
        return json(for: stored.row, keys: stored.keys, rotation: stored.rotation)
    }

    /// The domain's zone as a master file, as it is served now; 404 when the domain is gone, 409 when its zone is
    /// not served (listed with `serving: false`).
    func zoneFile(id: String) async throws -> String {
        let row = try await stored(id: id).row
        let database = self.database
        guard isServed(id: id), let text = try await offload.run({ try ZoneExport.masterFile(database: database, zone: row.name) })
        else { throw APIError(.conflict, code: "domain_not_served", "the zone of \(row.name) is not served") }
        return text
    }

    /// A stored domain with its DKIM keys and rotation, read in one transaction; 404 when there is none.
    private func stored(id: String) async throws -> StoredDomain {
        let database = self.database
        guard let stored = try await offload.run({ try database.storedDomain(id: id) }) else {
            throw APIError.notFound("domain \(id)")
        }
        return stored
    }

    /// Adds a domain: validates the name and every name its zone holds, takes a DKIM key, then in one step on
    /// the storage queue (which every change and read of the API goes through, so no request sees a half-added
    /// domain) claims the name, stores the domain and serves its zone. Any failure takes back what was done.
    func add(name input: String) async throws -> DomainJSON {
        let name: String
        do {
            name = try DomainNameValidator.normalize(input, settings: settings)
        } catch {
            throw APIError(.unprocessableContent, code: error.code, error.message)
        }
        let origin = try Name(name + ".")
        // Refuse what is sure to fail before a key is taken from the pool.
        try await offload.run { try self.checkAvailable(name: name, origin: origin) }

        let key = try await keys.next()
        let now = SystemClock.wallMilliseconds()
        let id = "dom_" + SecureRandom.base62(16)
        let row = DomainRow(id: id, name: name, status: .pending, mxVerified: false, spfVerified: false,
                            dkimVerified: false, dmarcVerified: false, serial: 0, createdAt: now, updatedAt: now,
                            lastCheckedAt: nil)
        var keyRows = [DKIMKeyRow(domainID: id, selector: settings.dkimSelector, algorithm: key.algorithm.rawValue,
                                  privateKeyPEM: key.privateKeyPEM, publicKey: key.publicKeyBase64, createdAt: now)]
        if let ed25519 = try Self.ed25519Key(domainID: id, settings: settings, now: now) { keyRows.append(ed25519) }
        let events = webhooks.messages(WebhookEvent.domainCreated, data: json(for: row, keys: keyRows).json, now: now)
        let stored = try await offload.run { [keyRows] in
            try self.insertAndPublish(row, keys: keyRows, events: events, origin: origin)
        }
        return json(for: stored, keys: keyRows)
    }

    /// A new Ed25519 key for the domain when `dkimEd25519Selector` is set (about 0.02 ms to make, so no pool).
    static func ed25519Key(domainID: String, settings: ProviderSettings, now: Int64) throws -> DKIMKeyRow? {
        guard let selector = settings.dkimEd25519Selector else { return nil }
        let key = try DKIMKeyGenerator.generate(.ed25519)
        return DKIMKeyRow(domainID: domainID, selector: selector, algorithm: key.algorithm.rawValue,
                          privateKeyPEM: key.privateKeyPEM, publicKey: key.publicKeyBase64, createdAt: now)
    }

    /// Throws 409 when `name` is taken by a domain, overlaps a stored domain that is not served, or overlaps a zone
    /// served by other means. Changes nothing.
    private func checkAvailable(name: String, origin: Name) throws {
        if try database.domain(name: name) != nil { throw Self.duplicate(name) }
        if let conflict = unservedConflict(name) ?? publisher.conflict(origin: origin) {
            throw Self.conflict(name, conflict)
        }
    }

    /// The conflict of `name` with a stored domain that is not served (it holds its name all the same), if any.
    private func unservedConflict(_ name: String) -> ZoneConflict? {
        unserved.withLock { unserved in
            for (other, _, _) in unserved.values {
                let relation = other == name ? "is" : name.hasSuffix("." + other) ? "lies below"
                    : other.hasSuffix("." + name) ? "lies above" : nil
                if let relation {
                    return ZoneConflict(zone: other, reason: "\(relation) the zone \(other), a domain added through the API")
                }
            }
            return nil
        }
    }

    /// The storage-queue step of `add`.
    private func insertAndPublish(_ row: DomainRow, keys: [DKIMKeyRow], events: [WebhookMessageRow],
                                  origin: Name) throws -> DomainRow {
        let eventIDs = events.map(\.id)
        if try database.domain(name: row.name) != nil { throw Self.duplicate(row.name) }
        if let conflict = unservedConflict(row.name) { throw Self.conflict(row.name, conflict) }
        do {
            try publisher.claim(origin: origin)
        } catch {
            throw Self.conflict(row.name, error)
        }
        let stored: DomainRow
        let previousSerial: UInt32?
        do {
            previousSerial = try database.lastSerial(name: row.name)
            stored = try database.insertDomain(row, keys: keys, events: events)
        } catch {
            // Nothing was stored: the claim goes too.
            publisher.release(origin: origin)
            if case StorageError.duplicate = error { throw Self.duplicate(row.name) }
            throw error
        }
        if let failure = serve(stored, keys: keys) {
            // Nothing of the request stays: the row, its serial and events, and the claim (which a failed undo
            // leaves with the row, served by nothing; the next start serves it).
            if takeBack(row, previousSerial: previousSerial, events: eventIDs, failure: failure) {
                publisher.release(origin: origin)
            }
            throw failure
        }
        return stored
    }

    /// Builds and publishes a stored domain's zone; returns the error when that fails.
    private func serve(_ row: DomainRow, keys: [DKIMKeyRow]) -> (any Error)? {
        do {
            _ = try publishZone(row, keys: keys)
            return nil
        } catch {
            return error
        }
    }

    /// Publishes a stored domain's zone, watched while the domain waits for verification: the first outside
    /// query for it asks for a check at once (`passiveChecks`).
    private func publishZone(_ row: DomainRow, keys: [DKIMKeyRow]) throws -> UInt32 {
        let zone = try zone(for: row, keys: keys)
        return try publisher.publish(origin: zone.origin, records: zone.records, onQuery: onQuery(for: row))
    }

    /// Takes back a stored domain whose zone could not be served. Returns false when even that fails: the row then
    /// stays, with its claim, listed as not served until the next start serves it.
    private func takeBack(_ row: DomainRow, previousSerial: UInt32?, events: [String], failure: any Error) -> Bool {
        do {
            try database.undoInsertDomain(id: row.id, name: row.name, previousSerial: previousSerial, events: events)
            return true
        } catch {
            unserved.withLock {
                $0[row.id] = (row.name, "serving it failed (\(failure)) and so did taking it back (\(error))", true)
            }
            return false
        }
    }

    /// Serves the stored domain's zone again from its rows (after its keys changed). Runs on the storage queue.
    /// Returns the serial served, or nil for a domain that is not served (its zone waits for the next start).
    func republish(_ row: DomainRow) throws -> UInt32? {
        guard unserved.withLock({ $0[row.id] == nil }) else { return nil }
        return try publishZone(row, keys: try database.dkimKeys(domainID: row.id))
    }

    /// The ids of pending domains whose zone answered an outside query: a check is due at once (see
    /// `QueryWatch`). One consumer reads it (`serve`).
    public let passiveChecks: AsyncStream<String>
    private let passiveRequests: AsyncStream<String>.Continuation

    /// Stops watching the domain's zone (it turned verified, or is gone). Runs on the storage queue.
    public func stopWatching(id: String) async throws {
        let database = self.database
        let publisher = self.publisher
        try await offload.run {
            guard let row = try database.domain(id: id), let origin = try? Name(row.name + ".") else { return }
            publisher.stopWatching(origin: origin)
        }
    }

    /// The domain's stored status, nil when it is gone.
    public func status(id: String) async throws -> DomainStatus? {
        let database = self.database
        return try await offload.run { try database.domain(id: id)?.status }
    }

    /// True when the domain's zone is served (it is not listed with `serving: false`).
    func isServed(id: String) -> Bool {
        unserved.withLock { $0[id] == nil }
    }

    /// Deletes a domain with its keys and mailboxes, and stops serving its zone, in one step on the storage
    /// queue. A zone the domain does not hold (one from a file) is never withdrawn.
    func delete(id: String) async throws {
        let database = self.database
        let deleted = try await offload.run { () -> Bool in
            guard let row = try database.domain(id: id) else { return false }
            let events = self.webhooks.messages(WebhookEvent.domainDeleted,
                                                data: self.json(for: row, keys: try database.dkimKeys(domainID: id)).json,
                                                now: SystemClock.wallMilliseconds())
            guard try database.deleteDomain(id: id, events: events) else { return false }
            if let origin = try? Name(row.name + ".") { self.publisher.release(origin: origin) }
            self.unserved.withLock { _ = $0.removeValue(forKey: id) }
            return true
        }
        guard deleted else { throw APIError.notFound("domain \(id)") }
    }

    /// Every DKIM key of a domain, private halves included, as `GET /domains/:id/dkim` shows them: the active ones
    /// first (the RSA key, then Ed25519), then those a rotation published or retired.
    func dkim(id: String) async throws -> DKIMJSON {
        let stored = try await stored(id: id)
        let (row, keys) = (stored.row, stored.keys)
        return DKIMJSON(id: row.id, name: row.name, selectors: Self.inPublishingOrder(keys).map { key in
            let record = MailZone.dkimRecord(Self.publication(key), domain: row.name)
            return DKIMSelectorJSON(selector: key.selector, state: key.state.rawValue, algorithm: Self.keyType(key).rawValue,
                                    record: RecordJSON(type: record.type, name: record.name, value: record.value,
                                                       priority: nil, verified: false),
                                    privateKey: key.privateKeyPEM,
                                    createdAt: Timestamp.iso8601(milliseconds: key.createdAt))
        })
    }

    /// The keys signers use, of every stored domain in `database` (the active ones, each under its own selector,
    /// the RSA key first), for `SignerExport`. Blocks on SQLite.
    public static func signingKeys(database: Database) throws -> [SignerExport.SigningKey] {
        try database.allDomains().flatMap { row, keys in
            inPublishingOrder(keys).filter { $0.state == .active }.map {
                SignerExport.SigningKey(domain: row.name, selector: $0.selector, privateKeyPEM: $0.privateKeyPEM)
            }
        }
    }

    /// Adds a mailbox under a domain.
    func addMailbox(domainID: String, localPart input: String) async throws -> MailboxJSON {
        let localPart = try LocalPart.normalize(input)
        let database = self.database
        guard let domain = try await offload.run({ try database.domain(id: domainID) }) else {
            throw APIError.notFound("domain \(domainID)")
        }
        let row = MailboxRow(id: "mbx_" + SecureRandom.base62(16), domainID: domainID, localPart: localPart,
                             createdAt: SystemClock.wallMilliseconds())
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

    private static func conflict(_ name: String, _ conflict: ZoneConflict) -> APIError {
        APIError(.conflict, code: "domain_conflict", "\(name) \(conflict.reason)")
    }

    private func mailDomain(for row: DomainRow, keys: [DKIMKeyRow]) -> MailDomain {
        Self.mailDomain(for: row, keys: keys, settings: settings)
    }

    /// The mail policy of a stored domain: its name, its DKIM keys (each under its own selector), its serial.
    static func mailDomain(for row: DomainRow, keys: [DKIMKeyRow], settings: ProviderSettings) -> MailDomain {
        MailDomain(name: row.name, dkim: inPublishingOrder(keys).map(publication),
                   serial: UInt32(truncatingIfNeeded: row.serial))
    }

    /// A stored key as DNS publishes it.
    static func publication(_ key: DKIMKeyRow) -> DKIMPublication {
        let state: DKIMPublication.State = switch key.state {
        case .published: .published
        case .active: .active
        case .retired: .retired
        }
        return DKIMPublication(selector: key.selector, keyType: keyType(key), publicKey: key.publicKey, state: state)
    }

    /// The `k=` of a stored key.
    static func keyType(_ key: DKIMKeyRow) -> DKIMKeyType {
        key.algorithm == DKIMAlgorithm.ed25519.rawValue ? .ed25519 : .rsa
    }

    /// A domain's keys in the order they are shown and exported: active before published before retired, RSA
    /// before Ed25519, then by selector.
    static func inPublishingOrder(_ keys: [DKIMKeyRow]) -> [DKIMKeyRow] {
        func rank(_ state: DKIMKeyState) -> Int { state == .active ? 0 : state == .published ? 1 : 2 }
        return keys.sorted {
            (rank($0.state), keyType($0) == .rsa ? 0 : 1, $0.selector) < (rank($1.state), keyType($1) == .rsa ? 0 : 1, $1.selector)
        }
    }

    func zone(for row: DomainRow, keys: [DKIMKeyRow]) throws -> (origin: Name, records: [Record]) {
        try MailZone.zoneRecords(for: mailDomain(for: row, keys: keys), settings: settings)
    }

    func json(for row: DomainRow, keys: [DKIMKeyRow], rotation: DKIMRotationRow? = nil) -> DomainJSON {
        let records = MailZone.publishedRecords(for: mailDomain(for: row, keys: keys), settings: settings)
        let flags: [PublishedRecord.Kind: Bool] = [
            .mx: row.mxVerified, .spf: row.spfVerified, .dkim: row.dkimVerified, .dmarc: row.dmarcVerified,
        ]
        let problem = unserved.withLock { $0[row.id]?.problem }
        return DomainJSON(
            id: row.id, name: row.name, status: APIStatus.of(row),
            verified: row.mxVerified && row.spfVerified && row.dkimVerified && row.dmarcVerified,
            records: records.map {
                RecordJSON(type: $0.type, name: $0.name, value: $0.value, priority: $0.priority,
                           verified: flags[$0.kind] ?? false)
            },
            createdAt: Timestamp.iso8601(milliseconds: row.createdAt),
            lastCheckedAt: row.lastCheckedAt.map(Timestamp.iso8601(milliseconds:)),
            nameservers: MailZone.delegation(settings: settings),
            serving: problem == nil, problem: problem,
            dkimRotation: rotation.map(RotationJSON.json)
        )
    }

    private static func json(for row: MailboxRow, domain: String) -> MailboxJSON {
        MailboxJSON(id: row.id, domainId: row.domainID, localPart: row.localPart,
                    address: "\(row.localPart)@\(domain)", createdAt: Timestamp.iso8601(milliseconds: row.createdAt))
    }
}
