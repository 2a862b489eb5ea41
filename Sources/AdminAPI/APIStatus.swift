import Storage

/// The `status` the API shows for a domain, which never contradicts its `verified` flag.
///
/// A verified domain whose records stop checking out keeps its stored status `verified` for the grace period of
/// `VerificationPolicy` (so one bad check does not stop its mail); the API shows it as `failing` then, with
/// `verified: false`, and as `failed` once the grace period is over. `status` is `verified` exactly when
/// `verified` is true.
enum APIStatus {
    /// The grace-period status.
    static let failing = "failing"

    /// The status of a stored domain.
    static func of(_ row: DomainRow) -> String {
        of(row.status, allVerified: row.mxVerified && row.spfVerified && row.dkimVerified && row.dmarcVerified)
    }

    /// The status for a stored status and the record flags.
    static func of(_ status: DomainStatus, allVerified: Bool) -> String {
        status == .verified && !allVerified ? failing : status.rawValue
    }
}
