import Storage
import Testing

/// Mailboxes: unique local part per domain, only under an existing domain, listed oldest first.
@Suite struct MailboxTests {
    @Test func insertAndListOldestFirst() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        let later = MailboxRow(id: "mbx_a", domainID: "dom_1", localPart: "sales", createdAt: april2026 + 2)
        let earlier = MailboxRow(id: "mbx_b", domainID: "dom_1", localPart: "info", createdAt: april2026 + 1)
        try database.insertMailbox(later)
        try database.insertMailbox(earlier)
        #expect(try database.mailboxes(domainID: "dom_1") == [earlier, later])
    }

    @Test func duplicateLocalPart() throws {
        let database = try Database.inMemory()
        try addDomain(1, to: database)
        try addDomain(2, to: database)
        try database.insertMailbox(MailboxRow(id: "mbx_1", domainID: "dom_1", localPart: "info", createdAt: 1))
        #expect(throws: StorageError.duplicate("localPart")) {
            try database.insertMailbox(MailboxRow(id: "mbx_2", domainID: "dom_1", localPart: "info", createdAt: 2))
        }
        // The same local part under another domain is fine.
        try database.insertMailbox(MailboxRow(id: "mbx_3", domainID: "dom_2", localPart: "info", createdAt: 3))
        #expect(try database.mailboxes(domainID: "dom_1").map(\.id) == ["mbx_1"])
    }

    @Test func unknownDomain() throws {
        let database = try Database.inMemory()
        #expect(throws: StorageError.notFound) {
            try database.insertMailbox(MailboxRow(id: "mbx_1", domainID: "dom_404", localPart: "info", createdAt: 1))
        }
        #expect(try database.mailboxes(domainID: "dom_404").isEmpty)
    }
}
