import GRDB

/// Where a domain stands in verification; stored as the raw value in `domains.status`.
public enum DomainStatus: String, Codable, CaseIterable, Sendable {
    /// Added, not verified yet.
    case pending
    /// Every record (MX, SPF, DKIM, DMARC) was found as expected.
    case verified
    /// The last check found a record missing or wrong.
    case failed
    /// The last check could not conclude (timeouts, SERVFAIL); it is worth retrying.
    case temporaryFailure = "temporary_failure"
}

extension DomainStatus: DatabaseValueConvertible {}
