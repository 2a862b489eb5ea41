import DNSWire
import Platform
import Glibc
import Logging
import Synchronization
import TSIG

/// Sends NOTIFY (RFC 1996) to the configured secondaries whenever a zone changes, so they transfer it at once
/// instead of at their next SOA refresh.
///
/// Writers call `zoneChanged(origin:soa:)` after they have published a change; the call only records the zone in
/// a small inbox (one entry per zone: a newer change replaces an older one) and wakes the notifier's own thread,
/// which sends, retries with backoff (`NotifyPolicy`), matches answers (ID, question and source address) and logs
/// failures. With a TSIG key every NOTIFY is signed and only an answer that verifies ends its retries. Nothing is
/// ever sent to an address other than the configured `targets`. With no targets every call returns at once and no
/// thread or socket is made.
public final class Notifier: Sendable {
    /// The secondaries to notify, without duplicates.
    public let targets: [HostPort]
    /// What was sent, answered, retried and given up, per secondary (for the metrics).
    public let statistics: NotifyStatistics
    private let policy: NotifyPolicy
    private let signing: NotifySigning?
    private let logger: Logger
    private let inbox = Mutex<[Name: NotifierThread.Request]>([:])
    private let wake: EventSignal
    private let thread = Mutex<(WorkerThread, StopFlag)?>(nil)

    /// A notifier for `targets` (IPv4 and IPv6 addresses with ports), signing every NOTIFY with `key` when one is
    /// given (RFC 8945). It sends nothing before `start()`: changes recorded earlier (the zones of the first load)
    /// are sent then.
    public init(targets: [HostPort], key: TSIGKey? = nil, policy: NotifyPolicy = NotifyPolicy(),
                logger: Logger) throws(SystemError) {
        self.targets = NotifySchedule(targets: targets, policy: policy).targets
        statistics = NotifyStatistics(targets: self.targets)
        self.policy = policy
        self.signing = key.map { NotifySigning(signer: TSIGRequestSigner(key: $0), clock: SystemClock.wallSeconds) }
        self.logger = logger
        wake = try EventSignal(label: "notify")
    }

    /// The zone `origin` now has this content, whose SOA record is `soa`: every secondary is to be notified.
    /// Call it after the change is published, so that the transfer the secondary starts sees it. Cheap and
    /// non-blocking.
    public func zoneChanged(origin: Name, soa: Record) {
        precondition(soa.type == .soa, "zoneChanged needs the zone's SOA record")
        record(.changed(ZoneChange(origin: origin, soa: soa)), for: origin)
    }

    /// The zone `origin` is no longer served: a NOTIFY still pending for it is dropped.
    public func zoneRemoved(origin: Name) {
        record(.removed(origin), for: origin)
    }

    /// Opens one socket per address family of the targets and starts the thread. Call it once the DNS listeners
    /// answer, since a secondary asks for the transfer as soon as it reads a NOTIFY. A second call does nothing.
    public func start() throws(SystemError) {
        guard !targets.isEmpty, thread.withLock({ $0 == nil }) else { return }
        var sockets: [ClientSocket] = []
        for family in [IPAddressText.Family.ipv4, .ipv6] where targets.contains(where: { $0.family == family }) {
            sockets.append(try ClientSocket(family: family, label: "notify/\(family == .ipv4 ? "udp4" : "udp6")"))
        }
        let stopping = StopFlag()
        let loop = NotifierThread(schedule: NotifySchedule(targets: targets, policy: policy, signing: signing),
                                  sockets: sockets, wake: wake, logger: logger, statistics: statistics)
        let worker = try WorkerThread(name: "wistdns-notify") { [self] in
            var loop = loop
            loop.run(until: { stopping.isSet }, take: takeRequests)
        }
        thread.withLock { $0 = (worker, stopping) }
    }

    /// Stops the thread (pending NOTIFYs are dropped) and waits for it.
    public func stop() {
        guard let (worker, stopping) = thread.withLock({ current in defer { current = nil }; return current }) else {
            return
        }
        stopping.set()
        wake.signal()
        worker.join()
    }

    private func record(_ request: NotifierThread.Request, for origin: Name) {
        guard !targets.isEmpty else { return }
        inbox.withLock { $0[origin.lowercased()] = request }
        wake.signal()
    }

    /// Empties the inbox for the thread.
    private func takeRequests() -> [NotifierThread.Request] {
        inbox.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return Array(pending.values)
        }
    }
}
