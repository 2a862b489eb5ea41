import DNSWire
import Synchronization

/// Holds the published `ZoneSet`. Writers build the next snapshot outside any lock and publish it with one
/// store; readers on the DNS threads keep a `Reader` that checks one atomic generation number per query and
/// takes the lock only on the first query after a publish.
public final class ZoneStore: Sendable {
    private struct Published {
        var zones: ZoneSet
        var generation: UInt64
    }

    private let published: Mutex<Published>
    /// The generation of the published snapshot, readable without the lock.
    private let generation = Atomic<UInt64>(0)
    /// Serializes writers so that concurrent read-modify-write changes are not lost.
    private let writers = Mutex<Void>(())
    private let publishes = Atomic<UInt64>(0)

    /// The snapshots published since the start (for the metrics).
    public var publishCount: UInt64 { publishes.load(ordering: .relaxed) }

    public init(_ initial: ZoneSet = ZoneSet()) {
        published = Mutex(Published(zones: initial, generation: 0))
    }

    /// The snapshot in force now.
    public var snapshot: ZoneSet { published.withLock { $0.zones } }

    /// Replaces the snapshot; only `update` calls it, under the writers' lock, so that no change is lost. Every
    /// query that starts after this returns is answered from `zones`.
    private func publish(_ zones: ZoneSet) {
        let next = published.withLock { current in
            current.zones = zones
            current.generation += 1
            return current.generation
        }
        generation.store(next, ordering: .releasing)
        publishes.add(1, ordering: .relaxed)
    }

    /// Applies `change` to the current snapshot and publishes the result; writers run one at a time, readers
    /// keep using the old snapshot until the new one is stored.
    public func update<E: Error>(_ change: (ZoneSet) throws(E) -> ZoneSet) throws(E) {
        try writers.withLock { _ throws(E) in
            publish(try change(snapshot))
        }
    }

    /// A per-thread view of the store: the snapshot it last saw and that snapshot's generation.
    public struct Reader {
        private let store: ZoneStore
        private var generation: UInt64
        private var zones: ZoneSet
        /// The watch of the zone that answered the last query, when it has one (see `QueryWatch`); the query
        /// pipeline takes it.
        public var watched: QueryWatch?

        /// Creates a reader holding the snapshot in force now.
        public init(_ store: ZoneStore) {
            self.store = store
            (zones, generation) = store.published.withLock { ($0.zones, $0.generation) }
        }

        /// The snapshot in force now: one atomic load when nothing was published since the last call.
        public mutating func current() -> ZoneSet {
            refresh()
            return zones
        }

        /// What the snapshot in force now holds for `name` and `type` (see `Lookup.find`), read in place: a copy
        /// of the snapshot would count two references, and drop them, on every query. Notes the watch of the zone
        /// in `watched`.
        mutating func find(_ name: Name, _ type: RecordType) -> Outcome {
            refresh()
            return Lookup.find(name, type, in: zones, watch: &watched)
        }

        private mutating func refresh() {
            if store.generation.load(ordering: .acquiring) != generation {
                (zones, generation) = store.published.withLock { ($0.zones, $0.generation) }
            }
        }
    }
}
