import Storage

/// When a domain is checked again and what its status becomes, from the outcome of one check. Pure, so the
/// schedule is tested without clocks or networks.
///
/// - Pending domains are rechecked with a doubling backoff (1 minute up to 1 hour) for 72 hours after they
///   were added; then only an explicit `verify` checks them.
/// - Verified domains are rechecked daily. A verified domain whose records break stays `verified` for a grace
///   period (rechecked with the backoff) and then turns `failed`; failed domains keep being rechecked hourly.
/// - A check that could not run (no resolver reachable, our own server silent) changes no record flag:
///   a verified domain stays verified, any other becomes `temporary_failure`, and the check is retried.
public struct VerificationPolicy: Sendable {
    /// How long after being added a domain is first checked by the background job.
    public var firstCheck: Int64 = 60_000
    public var firstBackoff: Int64 = 60_000
    public var maxBackoff: Int64 = 3_600_000
    public var pendingWindow: Int64 = 72 * 3_600_000
    public var verifiedInterval: Int64 = 24 * 3_600_000
    public var gracePeriod: Int64 = 3_600_000

    public init() {}

    /// What one check found.
    public struct Outcome: Sendable, Equatable {
        public var mx, spf, dkim, dmarc: Bool
        public var temporaryFailure: Bool
        public var verified: Bool { mx && spf && dkim && dmarc && !temporaryFailure }

        public init(mx: Bool, spf: Bool, dkim: Bool, dmarc: Bool, temporaryFailure: Bool) {
            self.mx = mx
            self.spf = spf
            self.dkim = dkim
            self.dmarc = dmarc
            self.temporaryFailure = temporaryFailure
        }
    }

    /// What to store after a check.
    public struct Decision: Sendable, Equatable {
        public var status: DomainStatus
        public var mx, spf, dkim, dmarc: Bool
        public var state: VerificationStateRow
    }

    /// The delay before the next check after `attempts` checks in a row that did not verify.
    func backoff(_ attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 20)
        return min(firstBackoff << Int64(doublings), maxBackoff)
    }

    public func decide(domain: DomainRow, previous: VerificationStateRow?, outcome: Outcome, now: Int64,
                       report: String?) -> Decision {
        var state = previous ?? VerificationStateRow(domainID: domain.id, nextCheckAt: nil)
        state.lastReport = report
        if outcome.verified {
            state.attempts = 0
            state.verifiedAt = domain.status == .verified ? (state.verifiedAt ?? now) : now
            state.failingSince = nil
            state.nextCheckAt = now + verifiedInterval
            return Decision(status: .verified, mx: true, spf: true, dkim: true, dmarc: true, state: state)
        }
        state.attempts += 1
        let retry = now + backoff(state.attempts)
        if outcome.temporaryFailure {
            state.nextCheckAt = retry
            let status: DomainStatus = domain.status == .verified ? .verified : .temporaryFailure
            return Decision(status: status, mx: domain.mxVerified, spf: domain.spfVerified, dkim: domain.dkimVerified,
                            dmarc: domain.dmarcVerified, state: state)
        }
        let status: DomainStatus
        if state.verifiedAt != nil {
            let since = state.failingSince ?? now
            state.failingSince = since
            status = now - since >= gracePeriod ? .failed : .verified
            state.nextCheckAt = retry
        } else {
            status = .pending
            state.nextCheckAt = now - domain.createdAt < pendingWindow ? retry : nil
        }
        return Decision(status: status, mx: outcome.mx, spf: outcome.spf, dkim: outcome.dkim, dmarc: outcome.dmarc,
                        state: state)
    }
}
