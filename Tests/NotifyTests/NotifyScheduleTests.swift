import DNSWire
import Synchronization
import Testing
@testable import Notify

/// The schedule on a made-up clock: `t(1.5)` is 1.5 s after the start.
private let start = ContinuousClock.now
private func t(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

private let primary = try! HostPort("127.0.0.9:5300")
private let secondary = try! HostPort("127.0.0.10:5300")
private let policy = NotifyPolicy(firstRetry: .seconds(1), maxRetryInterval: .seconds(8), giveUpAfter: .seconds(30),
                                  maxInFlight: 2)

/// The NOTIFYs among `events`, as (target, zone, serial, attempt).
private func sends(_ events: [NotifySchedule.Event]) -> [(Int, String, UInt32, Int)] {
    events.compactMap { event in
        guard case .send(let target, let flight, _) = event else { return nil }
        return (target, flight.change.origin.description, flight.change.serial, flight.attempts)
    }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
}

/// The flight of the NOTIFY sent for `zone` to `target` among `events`.
private func flight(_ events: [NotifySchedule.Event], target: Int = 0, _ zone: String) -> TargetQueue.Flight? {
    for case .send(let index, let flight, _) in events where index == target && flight.change.origin.description == zone {
        return flight
    }
    return nil
}

/// The bytes a secondary answers `flight` with.
private func answer(_ flight: TargetQueue.Flight, rcode: Rcode = .noError, id: UInt16? = nil) throws -> [UInt8] {
    let notify = try Message(parsing: NotifyMessage.encode(id: flight.id, origin: flight.change.origin,
                                                           soa: flight.change.soa))
    return response(to: notify, rcode: rcode, id: id)
}

@Suite("NOTIFY schedule: retries with backoff, answers, replacement, give-up, in-flight cap (RFC 1996 section 3.6)")
struct NotifyScheduleTests {
    @Test("a change is sent at once to every secondary, then again after 1, 2, 4, 8, 8 seconds (doubling to the cap)")
    func backoff() throws {
        var schedule = NotifySchedule(targets: [primary, secondary], policy: policy)
        schedule.change(try change("example.com.", serial: 7), now: t(0))
        #expect(sends(schedule.due(now: t(0))).map { [$0.0, $0.3] } == [[0, 1], [1, 1]])
        #expect(sends(schedule.due(now: t(0.99))).isEmpty)
        var sentAt: [Duration] = [.zero]
        while sentAt.count < 6, let next = schedule.nextEvent {
            let sent = sends(schedule.due(now: next))
            #expect(sent.count == 2, "both secondaries at \(next - start)")
            #expect(sent.allSatisfy { $0.3 == sentAt.count + 1 }, "attempt numbers count up")
            sentAt.append(next - start)
        }
        #expect(sentAt == [0, 1, 3, 7, 15, 23].map { Duration.seconds($0) })
    }

    @Test("an unanswered NOTIFY is given up after giveUpAfter, and nothing is left to do")
    func giveUp() throws {
        var schedule = NotifySchedule(targets: [primary], policy: policy)
        schedule.change(try change("example.com.", serial: 7), now: t(0))
        var gaveUp: [TargetQueue.Flight] = []
        var sendCount = 0
        while let next = schedule.nextEvent {
            for event in schedule.due(now: next) {
                switch event {
                case .send: sendCount += 1
                case .gaveUp(_, let flight): gaveUp.append(flight)
                }
            }
            #expect(next <= t(30), "nothing happens after the give-up time")
        }
        #expect(gaveUp.count == 1)
        #expect(gaveUp.first?.attempts == sendCount)
        #expect(sendCount == 6, "sent at 0, 1, 3, 7, 15 and 23 s; given up at 30 s")
        #expect(schedule.due(now: t(100)).isEmpty)
    }

    @Test("an answer with the same ID, question and source ends the retries, whatever its RCODE",
          arguments: [Rcode.noError, .refused, .notImp])
    func answered(rcode: Rcode) throws {
        var schedule = NotifySchedule(targets: [primary, secondary], policy: policy)
        schedule.change(try change("example.com.", serial: 7), now: t(0))
        let events = schedule.due(now: t(0))
        let sent = try #require(flight(events, target: 1, "example.com."))
        let result = try #require(schedule.receive(try answer(sent, rcode: rcode), from: secondary))
        guard case .answered(let flight, let answered) = result.answer else {
            Issue.record("not answered: \(result.answer)")
            return
        }
        #expect(result.target == 1 && answered == rcode && flight.change.serial == 7)
        #expect(sends(schedule.due(now: t(1))).map(\.0) == [0], "only the other secondary is retried")
        #expect(schedule.receive(try answer(sent), from: secondary) == nil, "a second answer is ignored")
    }

    @Test("an answer with another ID, from another address or port, or to another zone is ignored")
    func foreignAnswers() throws {
        var schedule = NotifySchedule(targets: [primary], policy: policy)
        schedule.change(try change("example.com.", serial: 7), now: t(0))
        let sent = try #require(flight(schedule.due(now: t(0)), "example.com."))
        #expect(schedule.receive(try answer(sent, id: sent.id &+ 1), from: primary) == nil)
        #expect(schedule.receive(try answer(sent), from: try HostPort("127.0.0.9:5301")) == nil)
        #expect(schedule.receive(try answer(sent), from: try HostPort("127.0.0.8:5300")) == nil)
        #expect(schedule.receive(try answer(sent), from: try HostPort("[::1]:5300")) == nil)
        var otherZone = sent
        otherZone.change = try change("example.org.", serial: 7)
        #expect(schedule.receive(try answer(otherZone), from: primary) == nil)
        #expect(sends(schedule.due(now: t(1))).count == 1, "still retried")
        #expect(schedule.receive(try answer(sent), from: primary) != nil)
    }

    @Test("a newer change of a zone replaces its pending NOTIFY: a new ID, sent at once, retries from the start")
    func replaced() throws {
        var schedule = NotifySchedule(targets: [primary], policy: policy)
        schedule.change(try change("example.com.", serial: 1), now: t(0))
        _ = schedule.due(now: t(0))
        _ = schedule.due(now: t(1))
        let old = try #require(flight(schedule.due(now: t(3)), "example.com."))
        #expect(old.attempts == 3)
        schedule.change(try change("EXAMPLE.com.", serial: 2), now: t(4))
        let events = schedule.due(now: t(4))
        #expect(sends(events).count == 1, "one NOTIFY for the zone, not two")
        let new = try #require(flight(events, "EXAMPLE.com."))
        #expect(new.change.serial == 2 && new.attempts == 1 && new.id != old.id)
        #expect(schedule.receive(try answer(old), from: primary) == nil, "an answer to the old one does not count")
        #expect(sends(schedule.due(now: t(5))).map(\.3) == [2], "retried 1 s after its first send")
    }

    @Test("at most maxInFlight NOTIFYs wait for one secondary's answer; the next zone goes out when one is answered")
    func inFlightCap() throws {
        var schedule = NotifySchedule(targets: [primary], policy: policy)
        for zone in ["a.test.", "b.test.", "c.test."] { schedule.change(try change(zone, serial: 1), now: t(0)) }
        let first = schedule.due(now: t(0))
        #expect(sends(first).map(\.1) == ["a.test.", "b.test."])
        schedule.change(try change("c.test.", serial: 2), now: t(0.5))
        #expect(sends(schedule.due(now: t(0.5))).isEmpty, "a waiting zone's change replaces it in the queue")
        _ = schedule.receive(try answer(try #require(flight(first, "a.test."))), from: primary)
        let next = sends(schedule.due(now: t(0.6)))
        #expect(next.map { [$0.1, "\($0.2)"] } == [["c.test.", "2"]])
    }

    @Test("a removed zone is no longer sent, whether in flight or waiting")
    func removed() throws {
        var schedule = NotifySchedule(targets: [primary], policy: policy)
        for zone in ["a.test.", "b.test.", "c.test."] { schedule.change(try change(zone, serial: 1), now: t(0)) }
        _ = schedule.due(now: t(0))
        schedule.remove(origin: try Name("A.test."))
        schedule.remove(origin: try Name("c.test."))
        #expect(sends(schedule.due(now: t(1))).map(\.1) == ["b.test."])
    }

    @Test("message IDs of pending NOTIFYs to one secondary differ even when the generator repeats itself")
    func uniqueIDs() throws {
        let ids = Mutex<[UInt16]>([7, 7, 7, 9])
        var schedule = NotifySchedule(targets: [primary], policy: policy) {
            ids.withLock { $0.isEmpty ? 1 : $0.removeFirst() }
        }
        schedule.change(try change("a.test.", serial: 1), now: t(0))
        schedule.change(try change("b.test.", serial: 1), now: t(0))
        let events = schedule.due(now: t(0))
        #expect(Set([flight(events, "a.test.")?.id, flight(events, "b.test.")?.id]) == [7, 9])
    }

    @Test("a secondary listed twice is notified once")
    func duplicateTargets() throws {
        var schedule = NotifySchedule(targets: [primary, secondary, primary], policy: policy)
        #expect(schedule.targets == [primary, secondary])
        schedule.change(try change("a.test.", serial: 1), now: t(0))
        #expect(sends(schedule.due(now: t(0))).count == 2)
    }
}
