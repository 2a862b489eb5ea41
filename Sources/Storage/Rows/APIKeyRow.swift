import GRDB

/// One row of `api_keys`. The key itself is never stored, only its SHA-256.
public struct APIKeyRow: Codable, Equatable, Sendable {
    /// `key_...`
    public var id: String
    /// A label chosen by whoever created the key.
    public var name: String
    /// The key's first 10 characters, shown so that people can tell keys apart.
    public var prefix: String
    /// Lowercase hex SHA-256 of the whole key (64 characters); unique.
    public var keyHash: String
    /// Space-separated scopes, such as `domains:manage`.
    public var scopes: String
    /// Milliseconds since 1970-01-01 UTC.
    public var createdAt: Int64
    /// When the key was revoked; a revoked key no longer authenticates.
    public var revokedAt: Int64?
    /// When the key last authenticated a request.
    public var lastUsedAt: Int64?

    /// A row with every field given.
    public init(
        id: String, name: String, prefix: String, keyHash: String, scopes: String, createdAt: Int64,
        revokedAt: Int64? = nil, lastUsedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.keyHash = keyHash
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix
        case keyHash = "key_hash"
        case scopes
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
    }
}

extension APIKeyRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
}
