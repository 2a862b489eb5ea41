import AdminAPI
import Storage
import Testing

@Suite("Verification schedule and status transitions")
struct VerificationPolicyTests {
    let policy = VerificationPolicy()
    static let added: Int64 = 1_000_000_000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    func domain(_ status: DomainStatus = .pending, verified: Bool = false) -> DomainRow {
        DomainRow(id: "dom_1", name: "d.example", status: status, mxVerified: verified, spfVerified: verified,
                  dkimVerified: verified, dmarcVerified: verified, createdAt: Self.added, updatedAt: Self.added)
    }

    let passed = VerificationPolicy.Outcome(mx: true, spf: true, dkim: true, dmarc: true, temporaryFailure: false)
    let broken = VerificationPolicy.Outcome(mx: true, spf: false, dkim: true, dmarc: true, temporaryFailure: false)
    let unreachable = VerificationPolicy.Outcome(mx: false, spf: false, dkim: false, dmarc: false, temporaryFailure: true)

    @Test("a pending domain is retried with a doubling backoff from 1 minute up to 1 hour")
    func pendingBackoff() {
        var previous: VerificationStateRow?
        var delays: [Int64] = []
        var now = Self.added + Self.minute
        for _ in 0 ..< 9 {
            let decision = policy.decide(domain: domain(), previous: previous, outcome: broken, now: now, report: nil)
            #expect(decision.status == .pending)
            #expect(decision.spf == false && decision.mx == true)
            let next = decision.state.nextCheckAt ?? 0
            delays.append(next - now)
            previous = decision.state
            now = next
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { $0 * Self.minute })
    }

    @Test("after 72 hours a pending domain is no longer checked by itself")
    func pendingWindow() {
        let late = policy.decide(domain: domain(), previous: nil, outcome: broken, now: Self.added + 73 * Self.hour,
                                 report: nil)
        #expect(late.status == .pending && late.state.nextCheckAt == nil)
    }

    @Test("all records passing verifies the domain and schedules a daily check")
    func verifies() {
        let now = Self.added + Self.hour
        let decision = policy.decide(domain: domain(), previous: nil, outcome: passed, now: now, report: "{}")
        #expect(decision.status == .verified)
        #expect(decision.state.verifiedAt == now && decision.state.attempts == 0)
        #expect(decision.state.nextCheckAt == now + 24 * Self.hour)
        #expect(decision.state.lastReport == "{}")
    }

    @Test("a verified domain that breaks stays verified through the grace period, then fails")
    func grace() {
        let verifiedAt = Self.added + Self.hour
        let start = VerificationStateRow(domainID: "dom_1", nextCheckAt: nil, verifiedAt: verifiedAt)
        let first = policy.decide(domain: domain(.verified, verified: true), previous: start, outcome: broken,
                                  now: verifiedAt + Self.hour, report: nil)
        #expect(first.status == .verified && first.spf == false)
        #expect(first.state.failingSince == verifiedAt + Self.hour)
        let later = policy.decide(domain: domain(.verified), previous: first.state, outcome: broken,
                                  now: verifiedAt + 2 * Self.hour, report: nil)
        #expect(later.status == .failed)
        let back = policy.decide(domain: domain(.failed), previous: later.state, outcome: passed,
                                 now: verifiedAt + 3 * Self.hour, report: nil)
        #expect(back.status == .verified && back.state.failingSince == nil)
    }

    @Test("a check that could not run is a temporary failure and keeps the flags; a verified domain stays verified")
    func temporary() {
        let pending = policy.decide(domain: domain(), previous: nil, outcome: unreachable, now: Self.added, report: nil)
        #expect(pending.status == .temporaryFailure)
        #expect(pending.state.nextCheckAt == Self.added + Self.minute)
        let verified = policy.decide(domain: domain(.verified, verified: true),
                                     previous: VerificationStateRow(domainID: "dom_1", nextCheckAt: nil, verifiedAt: 1),
                                     outcome: unreachable, now: Self.added, report: nil)
        #expect(verified.status == .verified && verified.mx && verified.spf && verified.dkim && verified.dmarc)
    }
}
