import CoreMetrics
import Logging
import Synchronization
import MailRecords
import Storage
import Verification
import Platform

/// Verifies domains: on request (`POST /domains/:id/verify`) and in the background on the schedule of
/// `VerificationPolicy`, storing each outcome with the next check in one transaction.
public final class VerificationService: Sendable {
    let database: Database
    let verifier: Verifier
    let settings: ProviderSettings
    let offload: BlockingExecutor
    let policy: VerificationPolicy
    let logger: Logger
    /// Verifications running at once, on request and in the background together: each holds up to 8 sockets
    /// and threads of the stub resolver, so a burst of verify requests cannot use up the process's descriptors.
    let running: ConcurrencyLimit
    /// The default of `running`.
    public static let defaultConcurrentChecks = 8
    /// The webhook receivers told when a check changes a domain's status to verified, failed or temporary failure.
    let webhooks: WebhookSettings
    /// The domains a passive check is running for (`checkOnOutsideQueries`).
    private let passiveInFlight = Mutex<Set<String>>([])

    public init(database: Database, verifier: Verifier, settings: ProviderSettings, offload: BlockingExecutor,
                policy: VerificationPolicy = VerificationPolicy(), concurrentChecks: Int = defaultConcurrentChecks,
                webhooks: WebhookSettings = .none, logger: Logger) {
        self.database = database
        self.verifier = verifier
        self.settings = settings
        self.offload = offload
        self.policy = policy
        self.logger = logger
        running = ConcurrencyLimit(concurrentChecks)
        self.webhooks = webhooks
    }

    /// Checks one domain now and returns the verify endpoint's response.
    func verify(id: String) async throws -> JSONValue {
        let database = self.database
        let found = try await offload.run { () -> (DomainRow, [DKIMKeyRow])? in
            guard let row = try database.domain(id: id) else { return nil }
            return (row, try database.dkimKeys(domainID: id))
        }
        guard let (row, keys) = found else { throw APIError.notFound("domain \(id)") }
        return try await check(row, keys: keys)
    }

    /// Checks a waiting domain the moment its zone answers a query from outside (a resolver following the new
    /// delegation), rather than at its next scheduled check: reads `DomainService.passiveChecks` until cancelled.
    /// One check per domain at a time (the watch itself allows one request per interval); a domain found verified
    /// is no longer watched.
    public func checkOnOutsideQueries(of service: DomainService) async {
        await withDiscardingTaskGroup { group in
            for await id in service.passiveChecks {
                guard passiveInFlight.withLock({ $0.insert(id).inserted }) else { continue }
                group.addTask {
                    defer { _ = self.passiveInFlight.withLock { $0.remove(id) } }
                    do {
                        if let status = try await service.status(id: id), status != .verified {
                            self.logger.info("an outside query asked for a waiting domain: checking it now",
                                             metadata: ["domain": "\(id)"])
                            _ = try await self.verify(id: id)
                        }
                        if try await service.status(id: id) == .verified { try await service.stopWatching(id: id) }
                    } catch let error as APIError where error.code == "not_found" {
                        // Deleted meanwhile.
                    } catch {
                        self.logger.warning("the check after an outside query failed: \(error)", metadata: ["domain": "\(id)"])
                    }
                }
            }
        }
    }

    /// Checks the domains whose automatic check is due, at most `limit` of them and `parallel` at a time.
    /// Returns how many were checked.
    @discardableResult
    public func runDue(now: Int64, limit: Int = 16, parallel: Int = 4) async -> Int {
        let database = self.database
        let policy = self.policy
        let due: [(DomainRow, [DKIMKeyRow])]
        do {
            due = try await offload.run {
                try database.dueDomains(now: now, firstCheckDelay: policy.firstCheck, limit: limit)
                    .map { ($0, try database.dkimKeys(domainID: $0.id)) }
            }
        } catch {
            logger.error("cannot read the verification schedule: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for (index, (row, keys)) in due.enumerated() {
                if index >= parallel { await group.next() }
                group.addTask {
                    do {
                        _ = try await self.check(row, keys: keys)
                    } catch {
                        self.logger.warning("background verification of \(row.name) failed: \(error)",
                                            metadata: ["domain": "\(row.id)", "name": "\(row.name)"])
                    }
                }
            }
        }
        return due.count
    }

    private func check(_ row: DomainRow, keys: [DKIMKeyRow]) async throws -> JSONValue {
        let expected = MailZone.publishedRecords(for: DomainService.mailDomain(for: row, keys: keys, settings: settings),
                                                 settings: settings)
        let verifier = self.verifier
        let report = await running.run { await verifier.verify(domain: row.name, expected: expected) }
        let now = SystemClock.wallMilliseconds()
        // A kind is verified when every record of it is (both DKIM keys when Ed25519 is on).
        func flag(_ kind: PublishedRecord.Kind) -> Bool {
            let records = report.records.filter { $0.record.kind == kind }
            return !records.isEmpty && records.allSatisfy(\.verified)
        }
        let outcome = VerificationPolicy.Outcome(mx: flag(.mx), spf: flag(.spf), dkim: flag(.dkim), dmarc: flag(.dmarc),
                                                 temporaryFailure: report.temporaryFailure)
        let database = self.database
        let previous = try await offload.run { try database.verificationState(domainID: row.id) }
        // The stored report is the response without the parts that depend on the decision.
        var decision = policy.decide(domain: row, previous: previous, outcome: outcome, now: now, report: nil)
        let response = VerificationJSON.response(id: row.id, report: report, decision: decision, checkedAt: now)
        decision.state.lastReport = response.serialized
        let store = decision
        // The verify response is the event's data: the seed's fields, the status and the evidence.
        let events = WebhookEvent.verification(from: row.status, to: store.status)
            .map { webhooks.messages($0, data: response, now: now) } ?? []
        do {
            try await offload.run {
                try database.saveVerification(id: row.id, mx: store.mx, spf: store.spf, dkim: store.dkim,
                                               dmarc: store.dmarc, status: store.status, checkedAt: now,
                                               state: store.state, events: events)
            }
        } catch StorageError.notFound {
            throw APIError.notFound("domain \(row.id)")
        }
        CoreMetrics.Counter(label: "wistdns_verifications_total", dimensions: [("status", store.status.rawValue)]).increment()
        logger.info("verified \(row.name): \(store.status.rawValue)",
                    metadata: ["domain": "\(row.id)", "name": "\(row.name)", "status": "\(store.status.rawValue)"])
        return response
    }
}
