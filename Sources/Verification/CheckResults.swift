import MailRecords

/// The verdict of one source (our server or one resolver) on one expected record.
public enum CheckOutcome: String, Sendable, Codable {
    /// The source returned the expected data.
    case ok
    /// The source returned data at the name, but not the expected data (or an ambiguous set, such as two SPF records).
    case mismatch
    /// NXDOMAIN, or no record of the type at the name.
    case missing
    /// The source did not answer in time.
    case timeout
    /// The source answered SERVFAIL.
    case servfail
    /// The source answered REFUSED.
    case refused
    /// Another failure: a socket error, an undecodable response or another RCODE.
    case error

    /// True when the source answered about the data itself (ok, mismatch, missing): a failing source is "not reached".
    public var reached: Bool { self == .ok || self == .mismatch || self == .missing }
}

/// What one source said about one record.
public struct SourceResult: Sendable, Equatable {
    /// "own" for our server, or the resolver's address text.
    public let source: String
    /// The verdict.
    public let outcome: CheckOutcome
    /// Observed values in presentation: MX "10 mail.example.com", TXT the joined strings.
    public let observed: [String]

    /// A result with the given fields.
    public init(source: String, outcome: CheckOutcome, observed: [String]) {
        self.source = source
        self.outcome = outcome
        self.observed = observed
    }
}

/// One expected record and what every source said about it.
public struct RecordCheck: Sendable, Equatable {
    /// The expected record.
    public let record: PublishedRecord
    /// What our own server answers.
    public let own: SourceResult
    /// What each configured resolver answers; empty when none is configured.
    public let resolvers: [SourceResult]

    /// A check with the given fields.
    public init(record: PublishedRecord, own: SourceResult, resolvers: [SourceResult]) {
        self.record = record
        self.own = own
        self.resolvers = resolvers
    }

    /// Our own server serves the expected data.
    public var ownVerified: Bool { own.outcome == .ok }

    /// At least one resolver was reached and every reached resolver returned ok. A resolver that timed out or
    /// failed is not reached and never counts as a pass; false when no resolver is configured.
    public var publicVerified: Bool {
        let reached = resolvers.filter { $0.outcome.reached }
        return !reached.isEmpty && reached.allSatisfy { $0.outcome == .ok }
    }

    /// Verified by our server and by the public resolvers.
    public var verified: Bool { ownVerified && publicVerified }
}

/// The delegation of the domain from its parent zone.
public struct DelegationCheck: Sendable, Equatable {
    /// Our nameservers, lowercased, no trailing dot.
    public let expected: [String]
    /// The parent zone found through the resolvers, without trailing dot ("" for the root); nil when not found.
    public let parentZone: String?
    /// Addresses of the parent's authoritative servers that were used.
    public let parentServers: [String]
    /// The domain's NS set as the resolvers return it (RD set).
    public let resolverNS: [String]
    /// The domain's NS set as the parent's servers answer it (RD clear; referral authority or answer).
    public let parentNS: [String]
    /// parentNS (or, if the parent could not be asked, resolverNS) contains every expected nameserver.
    public let delegated: Bool
    /// What was found, or why it could not be checked.
    public let detail: String

    /// A result with the given fields.
    public init(expected: [String], parentZone: String?, parentServers: [String], resolverNS: [String],
                parentNS: [String], delegated: Bool, detail: String) {
        self.expected = expected
        self.parentZone = parentZone
        self.parentServers = parentServers
        self.resolverNS = resolverNS
        self.parentNS = parentNS
        self.delegated = delegated
        self.detail = detail
    }
}

/// Everything one verification found for a domain.
public struct VerificationReport: Sendable, Equatable {
    /// The domain checked.
    public let domain: String
    /// One check per expected record, in the order given.
    public let records: [RecordCheck]
    /// The delegation check; nil when no resolver is configured.
    public let delegation: DelegationCheck?
    /// True when at least one public resolver is configured.
    public let publicConfigured: Bool
    /// Public checks configured but no resolver could be reached for any record, or our own server did not answer:
    /// check again later rather than trusting this verdict.
    public let temporaryFailure: Bool

    /// A report with the given fields.
    public init(domain: String, records: [RecordCheck], delegation: DelegationCheck?, publicConfigured: Bool,
                temporaryFailure: Bool) {
        self.domain = domain
        self.records = records
        self.delegation = delegation
        self.publicConfigured = publicConfigured
        self.temporaryFailure = temporaryFailure
    }

    /// Every record is verified (false when there are none).
    public var verified: Bool { !records.isEmpty && records.allSatisfy(\.verified) }
}
