import Foundation
import Storage
import Testing
@testable import AdminAPI

/// Issue 10: `status` and `verified` never contradict each other, during the grace period included.
@Suite("Domain status and the verified flag agree", .serialized)
struct GraceStatusTests {
    @Test("through a break: verified, then failing (grace: verified false), then failed; recovered: verified")
    func throughABreak() async throws {
        let api = try await APITestHarness()
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "grace.example"}"#)
        let id = try #require(added.json["id"] as? String)
        func save(_ status: DomainStatus, dkim: Bool) throws {
            try api.database.saveVerification(id: id, mx: true, spf: true, dkim: dkim, dmarc: true, status: status,
                                               checkedAt: 1, state: VerificationStateRow(domainID: id, nextCheckAt: nil))
        }
        func shown() async throws -> (status: String?, verified: Bool?, dkim: Bool?) {
            let json = try await api.request("GET", "/api/v1/domains/\(id)").json
            let records = json["records"] as? [[String: Any]] ?? []
            return (json["status"] as? String, json["verified"] as? Bool, records[2]["verified"] as? Bool)
        }
        try save(.verified, dkim: true)
        #expect(try await shown() == ("verified", true, true))
        // The policy keeps the stored status `verified` through the grace period while a record fails.
        try save(.verified, dkim: false)
        #expect(try await shown() == ("failing", false, false))
        try save(.failed, dkim: false)
        #expect(try await shown() == ("failed", false, false))
        try save(.verified, dkim: true)
        #expect(try await shown() == ("verified", true, true))
    }

    @Test("the policy's decisions, shown: `verified` exactly when every record passes")
    func decisionsShown() {
        let policy = VerificationPolicy()
        let domain = DomainRow(id: "dom_g", name: "g.example", status: .verified, mxVerified: true, spfVerified: true,
                               dkimVerified: true, dmarcVerified: true, createdAt: 0, updatedAt: 0)
        var previous = VerificationStateRow(domainID: "dom_g", nextCheckAt: nil)
        previous.verifiedAt = 0
        let broken = VerificationPolicy.Outcome(mx: true, spf: true, dkim: false, dmarc: true, temporaryFailure: false)
        for (now, expected) in [(Int64(1_000), "failing"), (policy.gracePeriod + 1_000, "failed")] {
            var state = previous
            state.failingSince = 1_000
            let decision = policy.decide(domain: domain, previous: state, outcome: broken, now: now, report: nil)
            let all = decision.mx && decision.spf && decision.dkim && decision.dmarc
            let status = APIStatus.of(decision.status, allVerified: all)
            #expect(status == expected)
            #expect((status == "verified") == all)
        }
        let unreachable = VerificationPolicy.Outcome(mx: false, spf: false, dkim: false, dmarc: false, temporaryFailure: true)
        let kept = policy.decide(domain: domain, previous: previous, outcome: unreachable, now: 5, report: nil)
        #expect(APIStatus.of(kept.status, allVerified: kept.mx && kept.spf && kept.dkim && kept.dmarc) == "verified",
                "a check that could not run keeps a verified domain verified, flags and all")
    }
}
