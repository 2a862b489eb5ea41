import Storage
import Testing

/// API keys: found by hash while active, revoked keys no longer authenticate, usage times only move forward.
@Suite struct APIKeyTests {
    @Test func insertFindRevoke() throws {
        let database = try Database.inMemory()
        let key = apiKey(1)
        try database.insertAPIKey(key)
        try database.insertAPIKey(apiKey(2))
        #expect(try database.apiKey(hash: key.keyHash) == key)
        #expect(try database.activeAPIKeyCount() == 2)

        #expect(try database.revokeAPIKey(id: "key_1", at: april2026 + 10))
        #expect(try database.revokeAPIKey(id: "key_1", at: april2026 + 20) == false)
        #expect(try database.revokeAPIKey(id: "key_404", at: april2026) == false)
        #expect(try database.apiKey(hash: key.keyHash) == nil)
        #expect(try database.activeAPIKeyCount() == 1)
        #expect(try database.apiKeys().map(\.revokedAt) == [april2026 + 10, nil])
    }

    @Test func duplicateHash() throws {
        let database = try Database.inMemory()
        try database.insertAPIKey(apiKey(1))
        var copy = apiKey(1)
        copy.id = "key_other"
        #expect(throws: StorageError.duplicate("keyHash")) { try database.insertAPIKey(copy) }
        #expect(try database.apiKeys().count == 1)
    }

    @Test func touchRecordsTheLatestUse() throws {
        let database = try Database.inMemory()
        try database.insertAPIKey(apiKey(1))
        try database.touchAPIKey(id: "key_1", at: april2026 + 100)
        try database.touchAPIKey(id: "key_1", at: april2026 + 50)
        #expect(try database.apiKeys().first?.lastUsedAt == april2026 + 100)
    }
}
