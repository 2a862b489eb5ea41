import Synchronization

/// A watch on one zone: the first query it answers from outside (not from WistDNS's own verifier) calls `onQuery`,
/// and later ones again once the wait has passed, which starts at `interval` and doubles after each call up to
/// `maximum` (resolvers that answer the verifier's own checks, or anyone asking, cannot make a domain be
/// checked every interval for ever). The domains API puts one on the zone of a domain that is pending, so a
/// resolver's first question about the domain starts its verification at once instead of at its next scheduled
/// check.
///
/// Called on the DNS threads: a load, a compare-and-swap once per wait, and the callback (which must only hand
/// the work over, never do it).
public final class QueryWatch: Sendable {
    /// The monotonic time (ms) before which no further query calls `onQuery`.
    private let next = Atomic<UInt64>(0)
    /// The wait after the next call (ms).
    private let wait: Atomic<UInt64>
    private let active = Atomic<Bool>(true)
    let interval: UInt64
    let maximum: UInt64
    let onQuery: @Sendable () -> Void

    /// A watch that calls `onQuery` at once, then after `interval` milliseconds, doubling up to `maximum`.
    public init(interval: UInt64, maximum: UInt64 = 3_600_000, onQuery: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.maximum = max(interval, maximum)
        self.onQuery = onQuery
        wait = Atomic(interval)
    }

    /// Stops or resumes watching (a domain that turned verified needs no more nudges); resuming starts the
    /// wait again from `interval`.
    public func setActive(_ isActive: Bool) {
        if isActive { wait.store(interval, ordering: .relaxed) }
        active.store(isActive, ordering: .relaxed)
    }

    /// Whether queries call `onQuery`.
    public var isActive: Bool { active.load(ordering: .relaxed) }

    /// A query the zone answered, at monotonic time `now` (ms).
    public func noticed(now: UInt64) {
        guard active.load(ordering: .relaxed) else { return }
        let due = next.load(ordering: .relaxed)
        guard now >= due else { return }
        let current = wait.load(ordering: .relaxed)
        guard next.compareExchange(expected: due, desired: now + current, ordering: .relaxed).exchanged else { return }
        // Only the thread that won the exchange gets here for this wait.
        wait.store(min(current &* 2, maximum), ordering: .relaxed)
        onQuery()
    }
}
