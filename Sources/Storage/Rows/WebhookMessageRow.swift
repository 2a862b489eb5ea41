import GRDB

/// One row of `webhook_outbox`: a message for one endpoint, kept until it is delivered or given up.
public struct WebhookMessageRow: Codable, Equatable, Sendable {
    /// The order messages were stored in (assigned on insert; nil before).
    public var seq: Int64?
    /// `msg_...`: the `webhook-id` a receiver deduplicates by (the same on every retry).
    public var id: String
    /// The receiver's URL.
    public var endpoint: String
    /// `domain.created`, `dkim.rotated`, ...
    public var event: String
    /// The JSON body.
    public var payload: String
    /// Milliseconds since 1970-01-01 UTC.
    public var createdAt: Int64
    /// Failed deliveries so far.
    public var attempts: Int
    /// When the next delivery is due (ms).
    public var nextAttemptAt: Int64
    /// What the last failed delivery got.
    public var lastError: String?

    public init(id: String, endpoint: String, event: String, payload: String, createdAt: Int64) {
        self.seq = nil
        self.id = id
        self.endpoint = endpoint
        self.event = event
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.lastError = nil
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, endpoint, event, payload
        case createdAt = "created_at"
        case attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
    }
}

extension WebhookMessageRow: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "webhook_outbox"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}
