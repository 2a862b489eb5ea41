@testable import AdminAPI
import DNSWire
import Storage
import Testing

/// Issue 11: a waiting domain's zone is published watched; an outside query asks for a check of that domain.
@Suite("Checks on outside queries")
struct PassiveCheckTests {
    @Test("a pending domain is published watched; its zone's outside query names it in passiveChecks; stopping ends the watch")
    func pendingIsWatched() async throws {
        let harness = try await APITestHarness()
        let added = try await harness.request("POST", "/api/v1/domains", body: #"{"name": "watched.example"}"#)
        #expect(added.status == 201)
        let id = try #require(added.json["id"] as? String)
        let origin = try Name("watched.example.")
        #expect(harness.publisher.watched.withLock { $0[origin] } == true)
        let onQuery = try #require(harness.publisher.callbacks.withLock { $0[origin] })
        onQuery()
        var checks = harness.service.passiveChecks.makeAsyncIterator()
        #expect(await checks.next() == id)
        #expect(try await harness.service.status(id: id) == .pending)
        try await harness.service.stopWatching(id: id)
        #expect(harness.publisher.watched.withLock { $0[origin] } == false)
    }

    @Test("a verified domain's zone is published without a watch")
    func verifiedIsNotWatched() async throws {
        let harness = try await APITestHarness()
        let added = try await harness.request("POST", "/api/v1/domains", body: #"{"name": "done.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let state = VerificationStateRow(domainID: id, nextCheckAt: nil, verifiedAt: 1, lastReport: "{}")
        try harness.database.saveVerification(id: id, mx: true, spf: true, dkim: true, dmarc: true, status: .verified,
                                              checkedAt: 1, state: state, events: [])
        // A rotation publishes the zone again, from the stored row.
        #expect(try await harness.request("POST", "/api/v1/domains/\(id)/dkim/rotate").status == 202)
        #expect(harness.publisher.watched.withLock { $0[try! Name("done.example.")] } == false)
    }
}
