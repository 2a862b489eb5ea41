import Synchronization

/// What the TCP thread counts for the metrics: connections accepted, open, closed at the caps and by the idle
/// timeout. Written by the TCP thread only, read by the metrics scrape.
public final class TCPStatistics: Sendable {
    private let accepted = Atomic<UInt64>(0)
    private let closed = Atomic<UInt64>(0)
    private let evicted = Atomic<UInt64>(0)
    private let refusedPerSource = Atomic<UInt64>(0)
    private let idleClosed = Atomic<UInt64>(0)

    public init() {}

    /// Connections accepted since the start.
    public var acceptedCount: UInt64 { accepted.load(ordering: .relaxed) }
    /// Connections open now.
    public var openCount: UInt64 { acceptedCount &- closed.load(ordering: .relaxed) }
    /// Connections closed to make room at the connection cap.
    public var evictedCount: UInt64 { evicted.load(ordering: .relaxed) }
    /// New connections closed at once because their source was at its cap.
    public var refusedPerSourceCount: UInt64 { refusedPerSource.load(ordering: .relaxed) }
    /// Connections closed after the idle timeout.
    public var idleClosedCount: UInt64 { idleClosed.load(ordering: .relaxed) }

    func didAccept() { accepted.add(1, ordering: .relaxed) }
    func didClose() { closed.add(1, ordering: .relaxed) }
    func didEvict() { evicted.add(1, ordering: .relaxed) }
    func didRefuseForSource() { refusedPerSource.add(1, ordering: .relaxed) }
    func didCloseIdle() { idleClosed.add(1, ordering: .relaxed) }
}
