import DequeModule
import DNSWire
import TSIG

/// The NOTIFYs for one secondary: those sent and not yet answered (at most `maxInFlight`, each with its own
/// message ID and retry timer), and the zones waiting for a free place, oldest first. At most one of each per
/// zone: a newer change of a zone replaces its pending NOTIFY rather than adding another.
struct TargetQueue {
    typealias Instant = ContinuousClock.Instant

    /// A NOTIFY that has a message ID and is sent until answered or given up.
    struct Flight {
        var change: ZoneChange
        let id: UInt16
        /// How many times it was sent.
        var attempts = 0
        /// With TSIG: what verifies the answer to each send so far (each send is signed anew).
        var verifiers: [TSIGAnswerVerifier] = []
        /// When to send it (again).
        var nextSend: Instant
        /// When to give up; set at the first send.
        var giveUpAt: Instant?

        /// The next moment something is to be done for it.
        var nextEvent: Instant { giveUpAt.map { min($0, nextSend) } ?? nextSend }
    }

    /// What `due(now:)` decided.
    enum Event {
        /// Send `message`, the NOTIFY of `flight` (signed when TSIG is on), now; `attempts` counts this send.
        case send(Flight, message: [UInt8])
        /// `flight` was never answered and is dropped.
        case gaveUp(Flight)
    }

    /// What a datagram that answers a pending NOTIFY turned out to be.
    enum Answer {
        /// The answer, with its RCODE: the NOTIFY is done.
        case answered(Flight, Rcode)
        /// The NOTIFY was signed and this answer does not verify: it is ignored and the NOTIFY retried.
        case unverified(Flight, TSIGAnswerError)
    }

    private var flights: [Name: Flight] = [:]
    private var originByID: [UInt16: Name] = [:]
    private var waiting: [Name: ZoneChange] = [:]
    /// Waiting zones in arrival order; a key no longer in `waiting` (removed, or already promoted) is skipped.
    private var order = Deque<Name>()

    /// Records a change: it replaces the zone's pending NOTIFY (a new ID, sent at once, retries from the start),
    /// or takes a free place, or waits.
    mutating func change(_ change: ZoneChange, now: Instant, policy: NotifyPolicy, randomID: () -> UInt16) {
        let key = change.key
        if let old = flights[key] {
            originByID[old.id] = nil
            start(change, now: now, randomID: randomID)
        } else if waiting[key] != nil {
            waiting[key] = change
        } else if flights.count < policy.maxInFlight {
            start(change, now: now, randomID: randomID)
        } else {
            waiting[key] = change
            order.append(key)
        }
    }

    /// Forgets the zone `key` (lowercased): it is no longer served, so a NOTIFY for it would only lead to a
    /// refused transfer.
    mutating func remove(_ key: Name) {
        if let flight = flights.removeValue(forKey: key) { originByID[flight.id] = nil }
        waiting[key] = nil
    }

    /// Gives up what has run out of time, moves waiting zones into free places, and returns every NOTIFY to send
    /// now, with its retry timer set from `policy`, signed when `signing` is given.
    mutating func due(now: Instant, policy: NotifyPolicy, signing: NotifySigning?, randomID: () -> UInt16) -> [Event] {
        var events: [Event] = []
        for (key, flight) in flights where flight.giveUpAt.map({ now >= $0 }) ?? false {
            flights[key] = nil
            originByID[flight.id] = nil
            events.append(.gaveUp(flight))
        }
        while flights.count < policy.maxInFlight, let key = order.popFirst() {
            if let change = waiting.removeValue(forKey: key) { start(change, now: now, randomID: randomID) }
        }
        for (key, var flight) in flights where flight.nextSend <= now {
            flight.attempts += 1
            flight.nextSend = now + policy.retryInterval(afterAttempt: flight.attempts)
            if flight.giveUpAt == nil { flight.giveUpAt = now + policy.giveUpAfter }
            var message = NotifyMessage.encode(id: flight.id, origin: flight.change.origin, soa: flight.change.soa)
            if let signing { flight.verifiers.append(signing.sign(&message)) }
            flights[key] = flight
            events.append(.send(flight, message: message))
        }
        return events
    }

    /// What `bytes` are to the pending NOTIFY they answer (same ID, QR set, same question): its answer, which
    /// removes it, or, when it was signed, an answer that does not verify and leaves it pending. Nil when they
    /// answer nothing pending.
    mutating func answer(_ bytes: [UInt8], signing: NotifySigning?) -> Answer? {
        guard let id = NotifyMessage.responseID(bytes), let key = originByID[id], let flight = flights[key],
              let rcode = NotifyMessage.answer(bytes, id: id, origin: flight.change.origin)
        else { return nil }
        if let signing, let error = signing.check(bytes, against: flight.verifiers) {
            return .unverified(flight, error)
        }
        flights[key] = nil
        originByID[id] = nil
        return .answered(flight, rcode)
    }

    /// The next moment `due(now:)` has something to do; nil when nothing is pending.
    var nextEvent: Instant? { flights.values.map(\.nextEvent).min() }

    /// A new flight for `change`, due at once, under an ID no other pending NOTIFY to this secondary uses.
    private mutating func start(_ change: ZoneChange, now: Instant, randomID: () -> UInt16) {
        var id = randomID()
        while originByID[id] != nil { id = randomID() }
        originByID[id] = change.key
        flights[change.key] = Flight(change: change, id: id, nextSend: now)
    }
}
