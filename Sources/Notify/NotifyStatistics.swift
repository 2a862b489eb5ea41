import DNSWire
import Synchronization

/// What the notifier's thread counts for the metrics, per secondary: NOTIFYs sent for the first time, sent again,
/// answered (any RCODE), and given up. Rare events: one lock.
public final class NotifyStatistics: Sendable {
    /// The counts of one secondary.
    public struct Counts: Sendable, Equatable {
        public var sent: UInt64 = 0
        public var retried: UInt64 = 0
        public var answered: UInt64 = 0
        public var givenUp: UInt64 = 0
    }

    private let counts: Mutex<[String: Counts]>

    /// Counts for `targets` (their descriptions), all at 0, so each shows from the start.
    init(targets: [HostPort]) {
        counts = Mutex(Dictionary(targets.map { ("\($0)", Counts()) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Every secondary's counts, by its address as given.
    public var bySecondary: [String: Counts] { counts.withLock { $0 } }

    func record(_ target: HostPort, _ change: (inout Counts) -> Void) {
        counts.withLock { change(&$0["\(target)", default: Counts()]) }
    }
}
