import GRDB

/// One row of `verification_state`: when a domain is next checked and what the last check found.
public struct VerificationStateRow: Codable, Equatable, Sendable {
    /// The domain (`dom_...`).
    public var domainID: String
    /// When the background job checks it next (ms since 1970); nil when no automatic check is scheduled.
    public var nextCheckAt: Int64?
    /// Consecutive checks that did not verify, for the backoff.
    public var attempts: Int
    /// When the domain last turned verified.
    public var verifiedAt: Int64?
    /// The first check that failed after the domain had been verified, for the grace period.
    public var failingSince: Int64?
    /// The last check's report, as JSON text (the verify endpoint's response).
    public var lastReport: String?

    public init(domainID: String, nextCheckAt: Int64?, attempts: Int = 0, verifiedAt: Int64? = nil,
                failingSince: Int64? = nil, lastReport: String? = nil) {
        self.domainID = domainID
        self.nextCheckAt = nextCheckAt
        self.attempts = attempts
        self.verifiedAt = verifiedAt
        self.failingSince = failingSince
        self.lastReport = lastReport
    }

    enum CodingKeys: String, CodingKey {
        case domainID = "domain_id"
        case nextCheckAt = "next_check_at"
        case attempts
        case verifiedAt = "verified_at"
        case failingSince = "failing_since"
        case lastReport = "last_report"
    }
}

extension VerificationStateRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "verification_state"
}
