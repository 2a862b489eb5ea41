import Foundation
import Storage
import Testing

@Suite("The verification schedule lives in the database")
struct VerificationScheduleTests {
    static let start: Int64 = 1_775_001_600_000

    func add(_ number: Int, at createdAt: Int64, to database: Database) throws {
        let id = "dom_\(number)"
        _ = try database.insertDomain(
            DomainRow(id: id, name: "d\(number).example", createdAt: createdAt, updatedAt: createdAt),
            key: DKIMKeyRow(domainID: id, selector: "wistmail", algorithm: "rsa-2048", privateKeyPEM: "pem",
                            publicKey: "key", createdAt: createdAt))
    }

    @Test("a new domain is due a minute after it was added; a scheduled one when its time comes")
    func due() throws {
        let database = try Database.inMemory()
        try add(1, at: Self.start, to: database)
        try add(2, at: Self.start + 10_000, to: database)
        #expect(try database.dueDomains(now: Self.start + 59_999, limit: 10).isEmpty)
        #expect(try database.dueDomains(now: Self.start + 60_000, limit: 10).map(\.id) == ["dom_1"])
        #expect(try database.dueDomains(now: Self.start + 70_000, limit: 10).map(\.id) == ["dom_1", "dom_2"])
        #expect(try database.dueDomains(now: Self.start + 70_000, limit: 1).map(\.id) == ["dom_1"])

        try database.saveVerification(id: "dom_1", mx: false, spf: false, dkim: false, dmarc: false, status: .pending,
                                      checkedAt: Self.start + 60_000,
                                      state: VerificationStateRow(domainID: "dom_1", nextCheckAt: Self.start + 180_000,
                                                                  attempts: 1))
        #expect(try database.dueDomains(now: Self.start + 70_000, limit: 10).map(\.id) == ["dom_2"])
        #expect(try database.dueDomains(now: Self.start + 180_000, limit: 10).map(\.id) == ["dom_2", "dom_1"])

        // No automatic check scheduled: never due again.
        try database.saveVerification(id: "dom_2", mx: false, spf: false, dkim: false, dmarc: false, status: .pending,
                                      checkedAt: Self.start, state: VerificationStateRow(domainID: "dom_2", nextCheckAt: nil))
        #expect(try database.dueDomains(now: Self.start + 10_000_000, limit: 10).map(\.id) == ["dom_1"])
    }

    @Test("the schedule survives a restart and is deleted with its domain")
    func restartAndCascade() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        do {
            let database = try Database(path: path)
            try add(1, at: Self.start, to: database)
            try database.saveVerification(id: "dom_1", mx: true, spf: true, dkim: true, dmarc: true, status: .verified,
                                          checkedAt: Self.start,
                                          state: VerificationStateRow(domainID: "dom_1", nextCheckAt: Self.start + 5,
                                                                      verifiedAt: Self.start, lastReport: "{\"a\":1}"))
        }
        let reopened = try Database(path: path)
        #expect(try reopened.verificationState(domainID: "dom_1")?.lastReport == "{\"a\":1}")
        #expect(try reopened.dueDomains(now: Self.start + 5, limit: 5).map(\.id) == ["dom_1"])
        #expect(try reopened.deleteDomain(id: "dom_1"))
        #expect(try reopened.verificationState(domainID: "dom_1") == nil)
    }
}
