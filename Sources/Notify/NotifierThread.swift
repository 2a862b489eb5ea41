import DNSWire
import Platform
import Glibc
import Logging

/// The notifier's thread: takes recorded changes, sends what the schedule says is due, and waits in `poll` for
/// answers, a new change or the next retry, whichever comes first.
struct NotifierThread {
    /// What a writer recorded for one zone.
    enum Request {
        case changed(ZoneChange)
        case removed(Name)
    }

    var schedule: NotifySchedule
    let sockets: [ClientSocket]
    let wake: EventSignal
    let logger: Logger
    let statistics: NotifyStatistics

    /// Runs until `stopping()` is true, taking new requests from `take()` whenever the wake descriptor fires.
    mutating func run(until stopping: () -> Bool, take: () -> [Request]) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        var descriptors = [pollfd(fd: wake.descriptor.raw, events: Int16(POLLIN), revents: 0)]
            + sockets.map { pollfd(fd: $0.descriptor.raw, events: Int16(POLLIN), revents: 0) }
        while !stopping() {
            let now = ContinuousClock.now
            for request in take() {
                switch request {
                case .changed(let change): schedule.change(change, now: now)
                case .removed(let origin): schedule.remove(origin: origin)
                }
            }
            for event in schedule.due(now: now) { perform(event) }
            let timeout = schedule.nextEvent.map { SystemClock.pollTimeout(until: $0, from: now) } ?? -1
            for index in descriptors.indices { descriptors[index].revents = 0 }
            guard poll(&descriptors, nfds_t(descriptors.count), timeout) > 0 else { continue }
            if descriptors[0].revents != 0 { wake.drain() }
            for (index, socket) in sockets.enumerated() where descriptors[index + 1].revents != 0 {
                do {
                    while let (count, source) = try socket.receive(into: &buffer) { handle(Array(buffer.prefix(count)), from: source) }
                } catch {
                    logger.debug("NOTIFY answers not read: \(error)")
                }
            }
        }
    }

    private func perform(_ event: NotifySchedule.Event) {
        switch event {
        case .send(let index, let flight, let bytes):
            let target = schedule.targets[index]
            statistics.record(target) { flight.attempts > 1 ? ($0.retried += 1) : ($0.sent += 1) }
            let socket = sockets.first { $0.family == target.family }
            let details = metadata(target, flight, ["attempt": "\(flight.attempts)", "id": "\(flight.id)"])
            do throws(SystemError) {
                guard let socket else { throw SystemError("send", detail: "no socket for the address family") }
                try socket.send(bytes, to: target)
                logger.debug("NOTIFY sent", metadata: details)
            } catch {
                // Counted as an attempt all the same: the retry timer or the give-up deals with it.
                logger.debug("NOTIFY not sent: \(error.reason)", metadata: details)
            }
        case .gaveUp(let index, let flight):
            statistics.record(schedule.targets[index]) { $0.givenUp += 1 }
            logger.warning("no answer to NOTIFY; giving up", metadata: metadata(schedule.targets[index], flight, [
                "attempts": "\(flight.attempts)",
            ]))
        }
    }

    private mutating func handle(_ bytes: [UInt8], from source: HostPort) {
        switch schedule.receive(bytes, from: source) {
        case nil:
            logger.trace("datagram ignored: not the answer to a pending NOTIFY", metadata: ["from": "\(source)"])
        case (let index, .answered(let flight, let rcode))?:
            statistics.record(schedule.targets[index]) { $0.answered += 1 }
            let details = metadata(schedule.targets[index], flight, ["rcode": "\(rcode)"])
            if rcode == .noError {
                logger.debug("NOTIFY answered", metadata: details)
            } else if rcode == .notAuth || rcode == .refused {
                // The secondary does not carry the zone (yet): usual for a new zone that a catalog brings to it a
                // moment later, and for secondaries that carry only some of our zones.
                logger.info("secondary does not serve the zone", metadata: details)
            } else {
                logger.warning("secondary answered NOTIFY with an error", metadata: details)
            }
        case (let index, .unverified(let flight, .unsigned))?:
            // What a secondary answers for a zone it does not carry yet (Knot: an unsigned NOTAUTH), as a new zone
            // is before the catalog brings it there. The retry reaches it once it does.
            logger.info("unsigned answer to a signed NOTIFY ignored; retrying",
                        metadata: metadata(schedule.targets[index], flight, [:]))
        case (let index, .unverified(let flight, let error))?:
            logger.warning("answer to a signed NOTIFY ignored: \(error)", metadata: metadata(schedule.targets[index], flight, [:]))
        }
    }

    private func metadata(_ target: HostPort, _ flight: TargetQueue.Flight,
                          _ extra: Logger.Metadata) -> Logger.Metadata {
        extra.merging(["secondary": "\(target)", "zone": "\(flight.change.origin)",
                       "serial": "\(flight.change.serial)"]) { first, _ in first }
    }
}
