import GRDB

/// One row of `dkim_rotations`: a domain's key rotation in progress, from the new key's publication to its
/// promotion (then the row goes).
public struct DKIMRotationRow: Codable, Equatable, Sendable {
    /// The domain (`dom_...`).
    public var domainID: String
    /// The selector of the key being replaced (active) and of the new one (published).
    public var oldSelector: String
    public var newSelector: String
    /// When the rotation began (ms).
    public var startedAt: Int64
    /// When the zone with the new key was first served, and that zone version's SOA serial: every secondary must
    /// serve this serial or a newer one, and the old key's TTL counts from this time. Nil until then.
    public var servedAt: Int64?
    public var servedSerial: UInt32?
    /// When the rotation job looks at it next (ms).
    public var nextCheckAt: Int64
    /// What promotion waits for, in words; nil before the first check.
    public var waitingFor: String?

    public init(domainID: String, oldSelector: String, newSelector: String, startedAt: Int64, servedAt: Int64? = nil,
                servedSerial: UInt32? = nil, nextCheckAt: Int64, waitingFor: String? = nil) {
        self.domainID = domainID
        self.oldSelector = oldSelector
        self.newSelector = newSelector
        self.startedAt = startedAt
        self.servedAt = servedAt
        self.servedSerial = servedSerial
        self.nextCheckAt = nextCheckAt
        self.waitingFor = waitingFor
    }

    enum CodingKeys: String, CodingKey {
        case domainID = "domain_id"
        case oldSelector = "old_selector"
        case newSelector = "new_selector"
        case startedAt = "started_at"
        case servedAt = "served_at"
        case servedSerial = "served_serial"
        case nextCheckAt = "next_check_at"
        case waitingFor = "waiting_for"
    }
}

extension DKIMRotationRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dkim_rotations"
}
