import Storage
import Testing

/// Domains: insert, lookups, newest-first pages, duplicates, cascading deletes, verification results.
@Suite struct DomainTests {
    @Test func insertAndGet() throws {
        let database = try Database.inMemory()
        let stored = try addDomain(1, to: database)
        var expected = domain(1)
        expected.serial = stored.serial
        #expect(stored == expected)
        #expect(try database.domain(id: "dom_1") == stored)
        #expect(try database.domain(name: "d1.example") == stored)
        #expect(try database.domain(name: "D1.Example") == stored)
        #expect(try database.domain(id: "dom_2") == nil)
        #expect(try database.domain(name: "d2.example") == nil)
    }

    @Test func pagesAreNewestFirstWithTotal() throws {
        let database = try Database.inMemory()
        for n in 1...5 { try addDomain(n, to: database) }
        // Same creation time as dom_5: the id breaks the tie, descending.
        var twin = domain(6, name: "twin.example")
        twin.createdAt = domain(5).createdAt
        _ = try database.insertDomain(twin, key: dkimKey(for: "dom_6"))

        let first = try database.domains(page: 1, pageSize: 2)
        #expect(first.rows.map(\.row.id) == ["dom_6", "dom_5"])
        #expect(first.total == 6)
        #expect(try database.domains(page: 2, pageSize: 2).rows.map(\.row.id) == ["dom_4", "dom_3"])
        #expect(try database.domains(page: 3, pageSize: 4).rows.map(\.row.id) == [])
        #expect(try database.domains(page: 2, pageSize: 4).rows.map(\.row.id) == ["dom_2", "dom_1"])
        #expect(try database.domains(page: Int.max, pageSize: Int.max).rows.isEmpty)
    }

    @Test func duplicateNameChangesNothing() throws {
        let database = try Database.inMemory()
        let first = try addDomain(1, to: database)
        let copy = domain(2, name: "D1.example")
        #expect(throws: StorageError.duplicate("name")) {
            try database.insertDomain(copy, key: dkimKey(for: "dom_2"))
        }
        #expect(try database.domains(page: 1, pageSize: 10).rows.map(\.row) == [first])
        #expect(try database.dkimKeys(domainID: "dom_2").isEmpty)
        // The failed insert did not use up a serial either.
        let after = try recordChange(of: "d1.example", in: database, now: first.createdAt)
        #expect(after == first.serial + 1)
    }

    @Test func duplicateIDIsReported() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        #expect(throws: StorageError.duplicate("id")) {
            try database.insertDomain(domain(1, name: "other.example"), key: dkimKey(for: "dom_1"))
        }
    }

    @Test func keyOfAnotherDomainIsRefused() throws {
        let database = try Database.inMemory()
        #expect(throws: StorageError.self) { try database.insertDomain(domain(1), key: dkimKey(for: "dom_2")) }
        #expect(try database.domain(id: "dom_1") == nil)
    }

    @Test func deleteCascadesToKeysAndMailboxes() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        try addDomain(2, to: database)
        try database.insertMailbox(MailboxRow(id: "mbx_1", domainID: "dom_1", localPart: "info", createdAt: 1))
        try database.insertMailbox(MailboxRow(id: "mbx_2", domainID: "dom_2", localPart: "info", createdAt: 1))

        #expect(try database.deleteDomain(id: "dom_1"))
        #expect(try database.domain(id: "dom_1") == nil)
        #expect(try database.dkimKeys(domainID: "dom_1").isEmpty)
        #expect(try database.mailboxes(domainID: "dom_1").isEmpty)
        #expect(try database.dkimKeys(domainID: "dom_2").count == 1)
        #expect(try database.mailboxes(domainID: "dom_2").count == 1)
        // The mailbox id is free again: the row is really gone.
        try database.insertMailbox(MailboxRow(id: "mbx_1", domainID: "dom_2", localPart: "sales", createdAt: 2))
    }

    @Test func deleteUnknownReturnsFalse() throws {
        let database = try Database.inMemory()
        #expect(try database.deleteDomain(id: "dom_404") == false)
    }

    @Test func allDomainsCarryTheirKeys() throws {
        let database = try Database.inMemory()
        try addDomain(2, to: database)
        try addDomain(1, to: database)
        let all = try database.allDomains()
        #expect(all.map(\.0.id) == ["dom_1", "dom_2"])
        #expect(all.map(\.1) == [[dkimKey(for: "dom_1")], [dkimKey(for: "dom_2")]])
        // For serving: the same keys without their private halves.
        var publicOnly = [dkimKey(for: "dom_1"), dkimKey(for: "dom_2")]
        for index in publicOnly.indices { publicOnly[index].privateKeyPEM = "" }
        let served = try database.domainsWithPublicKeys(ids: ["dom_2", "dom_1", "dom_gone"]).sorted { $0.0.id < $1.0.id }
        #expect(served.map(\.0.id) == ["dom_1", "dom_2"])
        #expect(served.map(\.1) == [[publicOnly[0]], [publicOnly[1]]])
        #expect(try database.allDomainRows().map(\.id).sorted() == ["dom_1", "dom_2"])
    }

    /// `allDomainRows` reads its columns by position: each field must come from its own column.
    @Test func allDomainRowsReadEveryFieldFromItsColumn() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        try addDomain(2, to: database)
        try database.saveVerification(
            id: "dom_2", mx: true, spf: false, dkim: true, dmarc: false, status: .failed, checkedAt: april2026 + 60_000,
            state: VerificationStateRow(domainID: "dom_2", nextCheckAt: april2026 + 120_000, attempts: 1, lastReport: "{}"))
        let all = try database.allDomainRows().sorted { $0.id < $1.id }
        #expect(all == [try #require(try database.domain(id: "dom_1")), try #require(try database.domain(id: "dom_2"))])
        #expect(all[1].lastCheckedAt == april2026 + 60_000 && all[1].status == .failed && all[1].mxVerified && all[1].dkimVerified)
        #expect(all[0].lastCheckedAt == nil && all[0].name == "d1.example" && all[0].serial != 0)
    }

    @Test func verificationResultsAreStored() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        try database.saveVerification(
            id: "dom_1", mx: true, spf: true, dkim: false, dmarc: true, status: .failed, checkedAt: april2026 + 60_000,
            state: VerificationStateRow(domainID: "dom_1", nextCheckAt: april2026 + 120_000, attempts: 2,
                                        lastReport: "{}"))
        let row = try #require(try database.domain(id: "dom_1"))
        #expect([row.mxVerified, row.spfVerified, row.dkimVerified, row.dmarcVerified] == [true, true, false, true])
        #expect(row.status == .failed)
        #expect(row.lastCheckedAt == april2026 + 60_000)
        #expect(row.updatedAt == april2026 + 60_000)
        #expect(try database.verificationState(domainID: "dom_1")?.attempts == 2)
        #expect(throws: StorageError.notFound) {
            try database.saveVerification(
                id: "dom_404", mx: true, spf: true, dkim: true, dmarc: true, status: .verified, checkedAt: 0,
                state: VerificationStateRow(domainID: "dom_404", nextCheckAt: nil))
        }
    }

    @Test(arguments: DomainStatus.allCases) func everyStatusRoundTrips(status: DomainStatus) throws {
        let database = try Database.inMemory()
        var row = domain(1)
        row.status = status
        _ = try database.insertDomain(row, key: dkimKey(for: "dom_1"))
        #expect(try database.domain(id: "dom_1")?.status == status)
    }
}
