import DNSWire
import Synchronization

/// Joins the limiting events of every DNS thread so that a network being limited is logged at most once per
/// interval, whichever threads its queries reach, with the responses dropped and truncated since the last line
/// and in all. Each thread reports at most once per interval per network itself, so this lock is taken rarely,
/// never per query.
public final class RateLimitLog: Sendable {
    private struct Entry {
        var lastLogged: UInt64
        var dropped: Int
        var slipped: Int
    }

    private struct State {
        var entries: [ClientAddress: Entry] = [:]
        var totalDropped = 0
        var totalSlipped = 0
    }

    /// A line to log: the network, what was limited since its last line, and the totals of every network.
    public struct Line: Sendable, Equatable, CustomStringConvertible {
        public let event: RateLimitEvent
        public let totalDropped: Int
        public let totalSlipped: Int

        public var description: String {
            "\(event) since the last report; \(totalDropped) dropped and \(totalSlipped) truncated in all"
        }
    }

    private let interval: UInt64
    private let state = Mutex(State())
    /// Networks remembered at most; past that the oldest are forgotten (and may be logged again sooner).
    private static let capacity = 4096

    public init(intervalMilliseconds: UInt64) {
        interval = intervalMilliseconds
    }

    /// Takes one thread's event at `now` (monotonic milliseconds); returns the line to log, or nil when this
    /// network was logged less than an interval ago (its counts are carried into its next line).
    public func add(_ event: RateLimitEvent, now: UInt64) -> Line? {
        state.withLock { state in
            state.totalDropped += event.dropped
            state.totalSlipped += event.slipped
            var entry = state.entries[event.network] ?? Entry(lastLogged: 0, dropped: 0, slipped: 0)
            entry.dropped += event.dropped
            entry.slipped += event.slipped
            if entry.lastLogged != 0 && now &- entry.lastLogged < interval {
                state.entries[event.network] = entry
                return nil
            }
            if state.entries.count >= Self.capacity {
                let stale = state.entries.filter { now &- $0.value.lastLogged >= interval }.map(\.key)
                for key in stale { state.entries[key] = nil }
                if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[event.network] = Entry(lastLogged: max(now, 1), dropped: 0, slipped: 0)
            let merged = RateLimitEvent(network: event.network, prefixLength: event.prefixLength,
                                        responseClass: event.responseClass, dropped: entry.dropped,
                                        slipped: entry.slipped)
            return Line(event: merged, totalDropped: state.totalDropped, totalSlipped: state.totalSlipped)
        }
    }
}
