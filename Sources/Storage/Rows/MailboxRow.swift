import GRDB

/// One row of `mailboxes`: a local part under a domain.
public struct MailboxRow: Codable, Equatable, Sendable {
    /// `mbx_...`
    public var id: String
    /// The owning domain's `id`; the mailbox goes when the domain does.
    public var domainID: String
    /// The part before `@`; unique per domain.
    public var localPart: String
    /// Milliseconds since 1970-01-01 UTC.
    public var createdAt: Int64

    /// A row with every field given.
    public init(id: String, domainID: String, localPart: String, createdAt: Int64) {
        self.id = id
        self.domainID = domainID
        self.localPart = localPart
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case domainID = "domain_id"
        case localPart = "local_part"
        case createdAt = "created_at"
    }
}

extension MailboxRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailboxes"
}
