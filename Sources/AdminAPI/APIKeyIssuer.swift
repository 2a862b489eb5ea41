import DKIMKeys
import Storage
import Platform

/// Creates, lists and revokes API keys. A key is `wm_` followed by 32 base62 characters; only its SHA-256 is
/// stored, with its first characters for display, so a key is shown once, when it is made.
public struct APIKeyIssuer: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A new key and its stored row.
    public struct Issued: Sendable {
        public let key: String
        public let row: APIKeyRow
    }

    /// Makes and stores a key with `scopes` (each must be a known scope).
    public func create(name: String, scopes: [String], now: Int64 = SystemClock.wallMilliseconds()) throws -> Issued {
        let unknown = scopes.filter { Scope(rawValue: $0) == nil }
        guard unknown.isEmpty, !scopes.isEmpty else {
            throw APIKeyIssuerError("unknown scope \(unknown.joined(separator: ", ")); known scopes: "
                + Scope.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard !name.isEmpty else { throw APIKeyIssuerError("a key needs a name") }
        let key = "wm_" + SecureRandom.base62(32)
        let row = APIKeyRow(id: "key_" + SecureRandom.base62(12), name: name, prefix: String(key.prefix(10)),
                            keyHash: SHA256.hex(key), scopes: Array(Set(scopes)).sorted().joined(separator: " "),
                            createdAt: now, revokedAt: nil, lastUsedAt: nil)
        try database.insertAPIKey(row)
        return Issued(key: key, row: row)
    }

    /// On a database without any usable key, makes one with every scope so the server can be used at once.
    /// Returns it (to be printed once), or nil when a key exists.
    public func createFirstKeyIfNone() throws -> Issued? {
        guard try database.activeAPIKeyCount() == 0 else { return nil }
        return try create(name: "initial", scopes: Scope.allCases.map(\.rawValue))
    }
}

/// A key request that cannot be met.
public struct APIKeyIssuerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
