import Synchronization

/// Holds the published `ZoneSet`. Readers take the current snapshot with one short lock that is never held
/// while anything is built; writers build the next snapshot outside the lock and publish it in one store.
public final class ZoneStore: Sendable {
    private let current: Mutex<ZoneSet>
    /// Serializes writers so that concurrent read-modify-write changes are not lost.
    private let writers = Mutex<Void>(())

    public init(_ initial: ZoneSet = ZoneSet()) {
        current = Mutex(initial)
    }

    /// The snapshot in force now.
    public var snapshot: ZoneSet { current.withLock { $0 } }

    /// Replaces the snapshot.
    public func publish(_ zones: ZoneSet) {
        current.withLock { $0 = zones }
    }

    /// Applies `change` to the current snapshot and publishes the result; writers run one at a time, readers
    /// keep using the old snapshot until the new one is stored.
    public func update(_ change: (ZoneSet) throws -> ZoneSet) rethrows {
        try writers.withLock { _ in
            let next = try change(snapshot)
            publish(next)
        }
    }
}
