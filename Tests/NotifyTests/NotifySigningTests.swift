import DNSWire
import Synchronization
import Testing
import TSIG
@testable import Notify

private let start = ContinuousClock.now
private func t(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }
/// TSIG time of the tests: a fixed second since 1970.
private let tsigNow: UInt64 = 1_800_000_000
private let secondary = try! HostPort("127.0.0.10:5300")
private let policy = NotifyPolicy(firstRetry: .seconds(1), maxRetryInterval: .seconds(8), giveUpAfter: .seconds(30))

/// A schedule that signs with `notifyKey`, one second of TSIG time after the other from `tsigNow` on, with one
/// change of example.com. recorded at t(0).
private func signedSchedule() throws -> NotifySchedule {
    let seconds = Atomic<UInt64>(0)
    let signing = NotifySigning(signer: TSIGRequestSigner(key: notifyKey),
                                clock: { tsigNow + seconds.add(1, ordering: .relaxed).oldValue })
    var schedule = NotifySchedule(targets: [secondary], policy: policy, signing: signing)
    schedule.change(try change("example.com.", serial: 42), now: t(0))
    return schedule
}

/// The bytes of the one NOTIFY among `events`.
private func message(_ events: [NotifySchedule.Event]) throws -> [UInt8] {
    guard events.count == 1, case .send(_, _, let message) = events[0] else {
        throw TSIGKeyError("expected one NOTIFY, got \(events)")
    }
    return message
}

@Suite("Signed NOTIFY (RFC 8945): every send carries a TSIG; only an answer that verifies ends the retries")
struct NotifySigningTests {
    @Test("the NOTIFY is signed with the key, the secondary's keyring accepts it, and its signed answer ends it")
    func signedAndVerified() throws {
        var schedule = try signedSchedule()
        let bytes = try message(schedule.due(now: t(0)))
        let notify = try Message(parsing: bytes)
        let origin = try Name("example.com.")
        #expect(notify.header.opcode == .notify && notify.questions.first?.name == origin)
        #expect(notify.additional.last?.type == .tsig && notify.additional.last?.name == notifyKey.name)
        let keyring = try TSIGKeyring([notifyKey])
        guard case .valid = bytes.withUnsafeBytes({ keyring.verify(request: $0, now: tsigNow) }) else {
            Issue.record("the secondary's keyring does not accept the NOTIFY")
            return
        }
        let answer = try signedResponse(to: bytes, keyring: try TSIGKeyring([notifyKey]), now: tsigNow)
        guard case (0, .answered(_, .noError))? = schedule.receive(answer, from: secondary) else {
            Issue.record("the signed answer was not taken")
            return
        }
        #expect(schedule.nextEvent == nil)
    }

    @Test("an unsigned answer, or BADKEY or BADSIG from a secondary that lacks the key, does not end the retries")
    func unverifiedAnswers() throws {
        var schedule = try signedSchedule()
        let bytes = try message(schedule.due(now: t(0)))
        let unsigned = response(to: try Message(parsing: bytes))
        let otherSecret = try TSIGKey(name: notifyKey.name, algorithm: .hmacSHA256, secret: Array("other".utf8))
        let otherName = try TSIGKey(spec: "other-key.example.:hmac-sha256:b3RoZXI=")
        let cases: [([UInt8], TSIGAnswerError)] = [
            (unsigned, .unsigned),
            (try signedResponse(to: bytes, keyring: try TSIGKeyring([otherSecret]), now: tsigNow), .serverError(.badSig)),
            (try signedResponse(to: bytes, keyring: try TSIGKeyring([otherName]), now: tsigNow), .serverError(.badKey)),
        ]
        for (answer, expected) in cases {
            guard case (0, .unverified(let flight, let error))? = schedule.receive(answer, from: secondary) else {
                Issue.record("an answer that does not verify was taken")
                continue
            }
            #expect(error == expected)
            #expect(flight.change.serial == 42)
        }
        let retry = try message(schedule.due(now: t(1)))
        #expect(retry != bytes, "each send is signed anew, at its own time")
        let answer = try signedResponse(to: retry, keyring: try TSIGKeyring([notifyKey]), now: tsigNow)
        guard case (0, .answered)? = schedule.receive(answer, from: secondary) else {
            Issue.record("the signed answer to the retry was not taken")
            return
        }
    }

    @Test("a signed answer to an earlier send still ends the retries")
    func lateAnswer() throws {
        var schedule = try signedSchedule()
        let first = try message(schedule.due(now: t(0)))
        _ = try message(schedule.due(now: t(1)))
        let answer = try signedResponse(to: first, keyring: try TSIGKeyring([notifyKey]), now: tsigNow)
        guard case (0, .answered)? = schedule.receive(answer, from: secondary) else {
            Issue.record("the answer to the first send was not taken")
            return
        }
    }
}
