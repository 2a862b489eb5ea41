import DNSWire

/// What the notifier's thread does and when, without any I/O, so that it can be tested on a made-up clock: one
/// `TargetQueue` per secondary, fed by every zone change.
struct NotifySchedule {
    typealias Instant = ContinuousClock.Instant

    /// Something the thread must do or report.
    enum Event {
        /// Send `message`, this NOTIFY's bytes, to `targets[target]`.
        case send(target: Int, TargetQueue.Flight, message: [UInt8])
        /// Warn that `targets[target]` never answered this NOTIFY.
        case gaveUp(target: Int, TargetQueue.Flight)
    }

    /// The secondaries, without duplicates, in the order given.
    let targets: [HostPort]
    let policy: NotifyPolicy
    /// TSIG signing of every NOTIFY, and verification of the answers; nil for unsigned NOTIFY.
    let signing: NotifySigning?
    private var queues: [TargetQueue]
    private let randomID: @Sendable () -> UInt16

    /// A schedule for `targets`; `randomID` draws message IDs (the system's secure generator by default).
    init(targets: [HostPort], policy: NotifyPolicy, signing: NotifySigning? = nil,
         randomID: @escaping @Sendable () -> UInt16 = { UInt16.random(in: .min ... .max) }) {
        var unique: [HostPort] = []
        for target in targets where !unique.contains(target) { unique.append(target) }
        self.targets = unique
        self.policy = policy
        self.signing = signing
        self.queues = Array(repeating: TargetQueue(), count: unique.count)
        self.randomID = randomID
    }

    /// A zone changed: every secondary is to be notified, replacing what was pending for that zone.
    mutating func change(_ change: ZoneChange, now: Instant) {
        for index in queues.indices {
            queues[index].change(change, now: now, policy: policy, randomID: randomID)
        }
    }

    /// A zone is no longer served: nothing more is sent for it.
    mutating func remove(origin: Name) {
        let key = origin.lowercased()
        for index in queues.indices { queues[index].remove(key) }
    }

    /// What is due at `now`: NOTIFYs to send (first sends and retries) and NOTIFYs given up.
    mutating func due(now: Instant) -> [Event] {
        var events: [Event] = []
        for index in queues.indices {
            for event in queues[index].due(now: now, policy: policy, signing: signing, randomID: randomID) {
                switch event {
                case .send(let flight, let message): events.append(.send(target: index, flight, message: message))
                case .gaveUp(let flight): events.append(.gaveUp(target: index, flight))
                }
            }
        }
        return events
    }

    /// What a datagram from `source` is to the NOTIFY pending there that it answers (see `TargetQueue.answer`),
    /// with the secondary's index. Nil for a datagram from an address that is not a secondary's (address and
    /// port), or that answers nothing pending there.
    mutating func receive(_ bytes: [UInt8], from source: HostPort) -> (target: Int, answer: TargetQueue.Answer)? {
        guard let index = targets.firstIndex(of: source),
              let answer = queues[index].answer(bytes, signing: signing) else { return nil }
        return (index, answer)
    }

    /// The next moment `due(now:)` has work; nil when nothing is pending.
    var nextEvent: Instant? { queues.compactMap(\.nextEvent).min() }
}
