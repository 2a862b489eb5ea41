import DNSWire
import Glibc
import Logging
import Testing
import TSIG
@testable import Notify
import Platform

/// Retries after 40, 80, 160, 160 ... ms: real sockets, short enough for the suite.
private let fast = NotifyPolicy(firstRetry: .milliseconds(40), maxRetryInterval: .milliseconds(160),
                                giveUpAfter: .seconds(5))

/// Waits until `condition` holds or `timeout` passes.
private func eventually(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        usleep(2_000)
    }
    return true
}

@Suite("Notifier: NOTIFY over loopback UDP to a fake secondary", .serialized)
struct NotifierTests {
    @Test("changes recorded before start() go out after it, one NOTIFY per zone in the RFC 1996 form")
    func sentAfterStart() throws {
        let secondary = try FakeSecondary { notify, _, _ in .answer(response(to: notify)) }
        let notifier = try Notifier(targets: [secondary.address], policy: fast, logger: RecordingLog().logger())
        defer { notifier.stop() }
        notifier.zoneChanged(origin: try Name("a.test."), soa: try soaRecord("a.test.", serial: 11))
        notifier.zoneChanged(origin: try Name("b.test."), soa: try soaRecord("b.test.", serial: 1))
        notifier.zoneChanged(origin: try Name("a.test."), soa: try soaRecord("a.test.", serial: 12))
        usleep(100_000)
        #expect(secondary.received.isEmpty, "nothing is sent before start()")
        try notifier.start()
        let received = secondary.wait(for: 2)
        #expect(received.map { "\($0.message.questions.first?.name.description ?? "") \($0.serial)" }.sorted()
                    == ["a.test. 12", "b.test. 1"])
        for notify in received.map(\.message) {
            #expect(notify.header.opcode == .notify && notify.header.isAuthoritative && !notify.header.isResponse)
            #expect(notify.questions.count == 1 && notify.questions.first?.type == .soa)
            #expect(notify.answers.count == 1 && notify.answers.first?.name == notify.questions.first?.name)
        }
        usleep(300_000)
        #expect(secondary.received.count == 2, "answered NOTIFYs are not sent again")
    }

    @Test("an unanswered NOTIFY is sent again with the same ID after 40, 80, 160, 160 ms, until it is answered")
    func retriesUntilAnswered() throws {
        let secondary = try FakeSecondary { notify, _, index in index < 4 ? .silence : .answer(response(to: notify)) }
        let notifier = try Notifier(targets: [secondary.address], policy: fast, logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 3))
        let received = secondary.wait(for: 5)
        try #require(received.count == 5)
        #expect(Set(received.map(\.message.header.id)).count == 1)
        let gaps = zip(received.dropFirst(), received).map { $0.at - $1.at }
        for (gap, interval) in zip(gaps, [40, 80, 160, 160].map { Duration.milliseconds($0) }) {
            #expect(gap > interval - .milliseconds(10) && gap < interval + .milliseconds(150), "\(gaps)")
        }
        usleep(400_000)
        #expect(secondary.received.count == 5, "no retry after the answer")
    }

    @Test("a newer change of the zone replaces its pending NOTIFY: only the new serial is sent from then on")
    func newerChangeReplaces() throws {
        let secondary = try FakeSecondary()
        let notifier = try Notifier(targets: [secondary.address], policy: fast, logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 1))
        _ = secondary.wait(for: 2)
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 2))
        #expect(eventually { secondary.received.filter { $0.serial == 2 }.count >= 2 })
        let received = secondary.received
        let firstNew = try #require(received.firstIndex { $0.serial == 2 })
        #expect(received[firstNew...].allSatisfy { $0.serial == 2 }, "\(received.map(\.serial))")
        #expect(received[firstNew].message.header.id != received[0].message.header.id)
    }

    @Test("answers with another ID or from another port are ignored: the NOTIFY is sent until a matching answer")
    func foreignAnswersIgnored() throws {
        let secondary = try FakeSecondary { notify, _, index in
            switch index {
            case 0: .answer(response(to: notify, id: notify.header.id &+ 1))
            case 1: .fromOtherPort(response(to: notify))
            default: .answer(response(to: notify))
            }
        }
        let notifier = try Notifier(targets: [secondary.address], policy: fast, logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 1))
        _ = secondary.wait(for: 3)
        usleep(300_000)
        #expect(secondary.received.count == 3)
    }

    @Test("an error RCODE ends the retries with a warning (NOTAUTH or REFUSED, a zone the secondary does not carry, at info); a silent secondary is given up with a warning")
    func warnings() throws {
        let failing = try FakeSecondary { notify, _, _ in .answer(response(to: notify, rcode: .servFail)) }
        let notServing = try FakeSecondary { notify, _, _ in .answer(response(to: notify, rcode: .notAuth)) }
        let silent = try FakeSecondary()
        let log = RecordingLog()
        let policy = NotifyPolicy(firstRetry: .milliseconds(40), maxRetryInterval: .milliseconds(80),
                                  giveUpAfter: .milliseconds(300))
        let notifier = try Notifier(targets: [failing.address, notServing.address, silent.address], policy: policy,
                                    logger: log.logger(level: .info))
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 9))
        #expect(eventually { log.messages(at: .warning).count == 2 })
        let warnings = log.messages(at: .warning).sorted()
        #expect(warnings.count == 2)
        #expect(warnings.first?.hasPrefix("no answer to NOTIFY; giving up") == true)
        #expect(warnings.first?.contains("secondary=\(silent.address)") == true)
        #expect(warnings.last?.hasPrefix("secondary answered NOTIFY with an error") == true)
        #expect(warnings.last?.contains("rcode=SERVFAIL") == true)
        #expect(warnings.last?.contains("secondary=\(failing.address)") == true)
        let notices = log.messages(at: .info).filter { $0.hasPrefix("secondary does not serve the zone") }
        #expect(notices.count == 1 && notices.first?.contains("rcode=NOTAUTH") == true)
        #expect(failing.received.count == 1 && notServing.received.count == 1)
        let silentCount = silent.received.count
        #expect(silentCount >= 4, "sent at 0, 40, 120, 200, 280 ms")
        usleep(200_000)
        #expect(silent.received.count == silentCount, "nothing after giving up")
    }

    @Test("an IPv6 secondary on [::1] gets its NOTIFY from an IPv6 socket")
    func ipv6() throws {
        let secondary = try FakeSecondary(family: .ipv6) { notify, _, _ in .answer(response(to: notify)) }
        let ipv4 = try FakeSecondary { notify, _, _ in .answer(response(to: notify)) }
        let notifier = try Notifier(targets: [secondary.address, ipv4.address], policy: fast,
                                    logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 5))
        #expect(secondary.wait(for: 1).first?.serial == 5)
        #expect(ipv4.wait(for: 1).first?.serial == 5)
        usleep(200_000)
        #expect(secondary.received.count == 1 && ipv4.received.count == 1)
    }

    @Test("with a key, the secondary gets a NOTIFY it verifies, and its signed answer ends the retries")
    func signed() throws {
        let keyring = try TSIGKeyring([notifyKey])
        let secondary = try FakeSecondary { _, bytes, _ in
            guard let answer = try? signedResponse(to: bytes, keyring: keyring, now: SystemClock.wallSeconds()) else {
                return .silence
            }
            return .answer(answer)
        }
        let notifier = try Notifier(targets: [secondary.address], key: notifyKey, policy: fast,
                                    logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 8))
        let received = secondary.wait(for: 1)
        #expect(received.first?.message.additional.last?.type == .tsig)
        usleep(300_000)
        #expect(secondary.received.count == 1, "the verified answer ended the retries")
    }

    @Test("a secondary with another secret answers BADSIG: the answer is ignored with a warning, the NOTIFY retried")
    func wrongSecret() throws {
        let keyring = try TSIGKeyring([try TSIGKey(name: notifyKey.name, algorithm: .hmacSHA256, secret: [1, 2, 3])])
        let secondary = try FakeSecondary { _, bytes, _ in
            (try? signedResponse(to: bytes, keyring: keyring, now: SystemClock.wallSeconds())).map { .answer($0) }
                ?? .silence
        }
        let log = RecordingLog()
        let notifier = try Notifier(targets: [secondary.address], key: notifyKey, policy: fast,
                                    logger: log.logger(level: .info))
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 8))
        #expect(secondary.wait(for: 3).count >= 3, "retried")
        let warning = log.messages(at: .warning).first ?? ""
        #expect(warning.hasPrefix("answer to a signed NOTIFY ignored: the server reports BADSIG"), "\(warning)")
    }

    @Test("an unsigned NOTAUTH to a signed NOTIFY (a secondary that has not got the zone yet) is noted at info and retried")
    func unsignedAnswerToSignedNotify() throws {
        let secondary = try FakeSecondary { notify, _, _ in .answer(response(to: notify, rcode: .notAuth)) }
        let log = RecordingLog()
        let notifier = try Notifier(targets: [secondary.address], key: notifyKey, policy: fast,
                                    logger: log.logger(level: .info))
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 8))
        #expect(secondary.wait(for: 3).count >= 3, "retried")
        #expect(log.messages(at: .info).contains { $0.hasPrefix("unsigned answer to a signed NOTIFY ignored; retrying") })
        #expect(log.messages(at: .warning).isEmpty)
    }

    @Test("a removed zone's pending NOTIFY stops")
    func removedStops() throws {
        let secondary = try FakeSecondary()
        let notifier = try Notifier(targets: [secondary.address], policy: fast, logger: RecordingLog().logger())
        defer { notifier.stop() }
        try notifier.start()
        notifier.zoneChanged(origin: try Name("example.com."), soa: try soaRecord("example.com.", serial: 5))
        _ = secondary.wait(for: 2)
        notifier.zoneRemoved(origin: try Name("example.com."))
        usleep(100_000)
        let count = secondary.received.count
        usleep(300_000)
        #expect(secondary.received.count == count)
    }
}
