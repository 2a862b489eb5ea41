import DKIMKeys
import Logging
import MailRecords
import Storage
import Verification
import Platform

/// Staged DKIM key rotation (issue 11), on request (`POST /domains/:id/dkim/rotate`) and, with `rotateAfter`, on a
/// schedule:
///
/// 1. a new RSA key is published under a new selector, `<dkimSelector>-<yyyymmdd>` of the day (`-2`, `-3`, ... when
///    that is taken), in state `published`: DNS serves it beside the active key, signers do not use it yet;
/// 2. it becomes `active` (the key in the API's records and in the exports) only when every secondary serves the
///    zone version that first carried it, every resolver returns it, and the old key's TTL has passed since it was
///    first served (`RotationGate`); until then the domain's JSON says what it waits for;
/// 3. the old key is then `retired`, published with an empty `p=` for `retireAfter`, and removed.
///
/// The state lives in SQLite (`dkim_keys.state`, `dkim_rotations`), so a restart resumes it; one rotation at a time
/// per domain. Changes run on the domains' storage queue, like every change of the API.
public final class DKIMRotationService: Sendable {
    /// The timing of rotations.
    public struct Policy: Sendable, Equatable {
        /// How often a rotation in progress is checked (ms).
        public var checkEvery: Int64 = 10_000
        /// How long a retired key stays published with an empty `p=` (ms): a week by default.
        public var retireAfter: Int64 = 7 * 86_400_000
        /// Rotate a domain's RSA key automatically once it has been active this long (ms); nil: only on request.
        public var rotateAfter: Int64?

        public init() {}
    }

    let domains: DomainService
    let gate: RotationGate
    let policy: Policy
    let logger: Logger

    public init(domains: DomainService, gate: RotationGate, policy: Policy = Policy(), logger: Logger) {
        self.domains = domains
        self.gate = gate
        self.policy = policy
        self.logger = logger
    }

    /// Starts a rotation of the domain's RSA key: 404 for an unknown domain, 409 `rotation_in_progress` when one
    /// runs, 409 `domain_not_served` for a domain whose zone is not served, 422 when the new selector would make a
    /// name too long. Returns the rotation as the domain's JSON shows it.
    func rotate(id: String) async throws -> JSONValue {
        // What is sure to fail is refused before a key is taken from the pool (the step on the queue checks again).
        let database = domains.database
        let found = try await domains.offload.run { () -> (DomainRow, Bool)? in
            guard let row = try database.domain(id: id) else { return nil }
            return (row, try database.rotation(domainID: id) != nil)
        }
        guard let (row, running) = found else { throw APIError.notFound("domain \(id)") }
        if running { throw Self.inProgress(row.name) }
        let key = try await domains.keys.next()
        let rotation = try await start(id: id, key: key, now: SystemClock.wallMilliseconds())
        logger.notice("DKIM rotation started", metadata: ["domain": "\(id)", "selector": "\(rotation.newSelector)"])
        return RotationJSON.json(rotation)
    }

    /// Runs what is due at `now`: checks the rotations in progress (promoting those the world has caught up with),
    /// removes keys retired long enough, and starts the scheduled rotations. Errors are logged; it never throws.
    public func runDue(now: Int64) async {
        do {
            try await progressRotations(now: now)
            try await removeRetiredKeys(now: now)
            try await startScheduledRotations(now: now)
        } catch {
            logger.error("DKIM rotation job: \(error)")
        }
    }

    // MARK: - Steps

    private func start(id: String, key: DKIMKeyPair, now: Int64) async throws -> DKIMRotationRow {
        let domains = self.domains
        let database = domains.database
        let base = domains.settings.dkimSelector
        return try await domains.offload.run {
            guard let row = try database.domain(id: id) else { throw APIError.notFound("domain \(id)") }
            guard domains.isServed(id: id) else {
                throw APIError(.conflict, code: "domain_not_served", "\(row.name) is not served; see its problem")
            }
            if try database.rotation(domainID: id) != nil { throw Self.inProgress(row.name) }
            let keys = try database.dkimKeys(domainID: id)
            guard let old = keys.first(where: { $0.state == .active && DomainService.keyType($0) == .rsa }) else {
                throw APIError(.conflict, code: "no_active_key", "\(row.name) has no active RSA key to rotate")
            }
            let selector = Self.newSelector(base: base, now: now, taken: Set(keys.map(\.selector)))
            let owner = "\(selector)._domainkey.\(row.name)"
            guard owner.utf8.count <= 253 else {
                throw APIError(.unprocessableContent, code: "invalid_domain_name",
                               "\(row.name) is too long for a rotated key: '\(owner.prefix(40))...' would be "
                                   + "\(owner.utf8.count) characters; the limit is 253")
            }
            var rotation = DKIMRotationRow(domainID: id, oldSelector: old.selector, newSelector: selector,
                                           startedAt: now, nextCheckAt: now)
            let newKey = DKIMKeyRow(domainID: id, selector: selector, algorithm: key.algorithm.rawValue,
                                    privateKeyPEM: key.privateKeyPEM, publicKey: key.publicKeyBase64, createdAt: now,
                                    state: .published, stateSince: now)
            let events = domains.webhooks.messages(WebhookEvent.dkimRotationStarted, data: .object([
                ("id", .string(id)), ("name", .string(row.name)), ("dkimRotation", RotationJSON.json(rotation)),
            ]), now: now)
            do {
                try database.startRotation(rotation, newKey: newKey, events: events)
            } catch StorageError.duplicate {
                throw Self.inProgress(row.name)
            }
            if let serial = try domains.republish(row) {
                rotation.servedAt = now
                rotation.servedSerial = serial
                try database.updateRotation(rotation)
            }
            return rotation
        }
    }

    private func progressRotations(now: Int64) async throws {
        let domains = self.domains
        let database = domains.database
        let due = try await domains.offload.run { try database.dueRotations(now: now, limit: 32) }
        for var rotation in due {
            let id = rotation.domainID
            guard let row = try await domains.offload.run({ try database.domain(id: id) }) else { continue }
            guard let serial = rotation.servedSerial, let servedAt = rotation.servedAt else {
                // Stored, but the zone with the new key was never served (a failure or a stop in between).
                let served = try await domains.offload.run { try domains.republish(row) }
                rotation.servedAt = served == nil ? nil : now
                rotation.servedSerial = served
                rotation.waitingFor = served == nil ? "the domain's zone is not served" : "the new key was just published"
                rotation.nextCheckAt = now + policy.checkEvery
                try await domains.offload.run { [rotation] in try database.updateRotation(rotation) }
                continue
            }
            let key = DKIMPublication(selector: rotation.newSelector, keyType: .rsa,
                                      publicKey: try await newPublicKey(rotation))
            let waiting = await gate.check(zone: row.name, serial: serial, key: MailZone.dkimRecord(key, domain: row.name))
            let ttl = Int64(domains.settings.ttl) * 1000
            let reason = waiting ?? (now - servedAt < ttl
                ? "the old key's TTL (\(domains.settings.ttl) s) since the new key was first served" : nil)
            if let reason {
                rotation.waitingFor = reason
                rotation.nextCheckAt = now + policy.checkEvery
                try await domains.offload.run { [rotation] in try database.updateRotation(rotation) }
                continue
            }
            let events = domains.webhooks.messages(WebhookEvent.dkimRotated, data: .object([
                ("id", .string(id)), ("name", .string(row.name)), ("activeSelector", .string(rotation.newSelector)),
                ("retiredSelector", .string(rotation.oldSelector)),
            ]), now: now)
            let promoted = try await domains.offload.run { () -> Bool in
                guard try database.promoteRotation(domainID: id, now: now, events: events) else { return false }
                _ = try domains.republish(row)
                return true
            }
            if promoted {
                logger.notice("DKIM rotation done: the new key is active, the old one retired", metadata: [
                    "domain": "\(row.id)", "name": "\(row.name)", "active": "\(rotation.newSelector)",
                    "retired": "\(rotation.oldSelector)",
                ])
            }
        }
    }

    private func newPublicKey(_ rotation: DKIMRotationRow) async throws -> String {
        let database = domains.database
        return try await domains.offload.run {
            try database.dkimKeys(domainID: rotation.domainID).first { $0.selector == rotation.newSelector }?.publicKey ?? ""
        }
    }

    private func removeRetiredKeys(now: Int64) async throws {
        let domains = self.domains
        let database = domains.database
        let cutoff = now - policy.retireAfter
        let ids = try await domains.offload.run { try database.domainsWithRetiredKeys(before: cutoff, limit: 32) }
        for id in ids {
            try await domains.offload.run {
                guard let row = try database.domain(id: id),
                      try database.removeRetiredKeys(domainID: id, before: cutoff) > 0 else { return }
                _ = try domains.republish(row)
            }
            logger.info("removed retired DKIM keys", metadata: ["domain": "\(id)"])
        }
    }

    private func startScheduledRotations(now: Int64) async throws {
        guard let age = policy.rotateAfter else { return }
        let database = domains.database
        let ids = try await domains.offload.run { try database.domainsDueForRotation(activeSince: now - age, limit: 4) }
        for id in ids {
            do {
                _ = try await rotate(id: id)
            } catch let error as APIError {
                // Not served, too long a name: logged; the schedule tries again on its next run.
                logger.warning("scheduled DKIM rotation of \(id) cannot start: \(error.message)", metadata: ["domain": "\(id)"])
            }
        }
    }

    // MARK: - Rules

    /// `<base>-<yyyymmdd>` of `now` (UTC), or with `-2`, `-3`, ... when that is taken.
    static func newSelector(base: String, now: Int64, taken: Set<String>) -> String {
        let day = Timestamp.iso8601(milliseconds: now).prefix(10).filter { $0 != "-" }
        let first = "\(base)-\(day)"
        guard taken.contains(first) else { return first }
        var number = 2
        while taken.contains("\(first)-\(number)") { number += 1 }
        return "\(first)-\(number)"
    }

    private static func inProgress(_ name: String) -> APIError {
        APIError(.conflict, code: "rotation_in_progress", "a DKIM rotation of \(name) is already in progress")
    }
}

/// A rotation in progress as the API shows it.
enum RotationJSON {
    static func json(_ rotation: DKIMRotationRow) -> JSONValue {
        .object([
            ("state", .string("published")), ("oldSelector", .string(rotation.oldSelector)),
            ("newSelector", .string(rotation.newSelector)),
            ("startedAt", .string(Timestamp.iso8601(milliseconds: rotation.startedAt))),
            ("waitingFor", rotation.waitingFor.map(JSONValue.string) ?? .null),
        ])
    }
}
