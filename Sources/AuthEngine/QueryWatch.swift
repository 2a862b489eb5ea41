import Synchronization

/// A watch on one zone: the first query it answers from outside (not from WistDNS's own verifier) calls `onQuery`,
/// at most once per `interval`. The domains API puts one on the zone of a domain that is pending, so a resolver's
/// first question about the domain starts its verification at once instead of at its next scheduled check.
///
/// Called on the DNS threads: a load, a compare-and-swap once per interval, and the callback (which must only hand
/// the work over, never do it).
public final class QueryWatch: Sendable {
    /// The monotonic time (ms) before which no further query calls `onQuery`.
    private let next = Atomic<UInt64>(0)
    private let active = Atomic<Bool>(true)
    let interval: UInt64
    let onQuery: @Sendable () -> Void

    /// A watch that calls `onQuery` at most once per `interval` milliseconds while active.
    public init(interval: UInt64, onQuery: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.onQuery = onQuery
    }

    /// Stops or resumes watching (a domain that turned verified needs no more nudges).
    public func setActive(_ isActive: Bool) {
        active.store(isActive, ordering: .relaxed)
    }

    /// Whether queries call `onQuery`.
    public var isActive: Bool { active.load(ordering: .relaxed) }

    /// A query the zone answered, at monotonic time `now` (ms).
    public func noticed(now: UInt64) {
        guard active.load(ordering: .relaxed) else { return }
        let due = next.load(ordering: .relaxed)
        guard now >= due, next.compareExchange(expected: due, desired: now + interval, ordering: .relaxed).exchanged else {
            return
        }
        onQuery()
    }
}
