import AuthEngine
import DNSWire
import Logging
import Platform
import Storage
import Synchronization

/// Keeps the catalog zone (RFC 9432) in step with the zones being served: after a change to the set of zones it
/// rebuilds the member list, gives the catalog a new serial and journal entry through `ZoneVersions` when the
/// list differs, publishes it, and reports the new version (for NOTIFY).
///
/// Changes arriving close together are coalesced into one rebuild, so a burst of API adds makes a few catalog
/// versions, not one per add. Rebuilds run on a thread of their own, at a lower priority than the DNS threads
/// (they take CPU for a large catalog and block on SQLite).
public final class CatalogMaintainer: Sendable {
    /// The catalog zone's name.
    public let origin: Name
    private let store: ZoneStore
    private let versions: ZoneVersions
    private let logger: Logger
    private let delay: Duration
    private let onPublish: @Sendable (Zone) -> Void
    /// Signalled when a rebuild is due; the rebuild thread waits on it.
    private let wake = WakeSignal()
    private let scheduled = Mutex(false)
    /// False until `start()` or the first `rebuild()`. Changes before it (start-up publishing every stored domain)
    /// schedule nothing: a rebuild in the middle would list only some of the zones, and secondaries would drop
    /// the others and transfer them again.
    private let started = Atomic(false)
    /// True once a version of the catalog is served (for readiness).
    private let served = Atomic(false)
    /// The members of the version this maintainer published last, with their ids (nil before the first, and after
    /// a rebuild that failed: the next one reads them back from the version served). Its lock also makes rebuilds
    /// run one at a time (a caller's and the thread's).
    private let listed = Mutex<CatalogZone.Listing?>(nil)

    /// Starts the rebuild thread. Throws when the system cannot create it.
    ///
    /// - Parameters:
    ///   - delay: how long a change waits for others to join it before the rebuild.
    ///   - onPublish: called with each new version of the catalog once it is served.
    public init(origin: Name, store: ZoneStore, versions: ZoneVersions, logger: Logger,
                delay: Duration = .milliseconds(20),
                onPublish: @escaping @Sendable (Zone) -> Void = { _ in }) throws(SystemError) {
        self.origin = origin.lowercased()
        self.store = store
        self.versions = versions
        self.logger = logger
        self.delay = delay
        self.onPublish = onPublish
        // A rebuild of a large catalog takes tens of milliseconds of CPU: background work, below the DNS threads.
        // Detached: the thread ends by itself once the maintainer is gone, and the last reference may be its own.
        try WorkerThread.detach(name: "wistdns-catalog", niceness: 10) { [weak self, wake] in
            while true {
                wake.wait()
                guard let self else { return }
                self.rebuildAfterDelay()
            }
        }
    }

    deinit {
        wake.signal()  // the thread wakes, finds the maintainer gone, and ends
    }

    /// Starts following changes, and builds the first version on the rebuild thread: the start-up serves every
    /// other zone without waiting for the catalog, whose first build takes about a second per 100,000 members.
    public func start() {
        started.store(true, ordering: .releasing)
        membersChanged()
    }

    /// True once a version of the catalog is served.
    public var isServed: Bool { served.load(ordering: .acquiring) }

    /// Schedules a rebuild after `delay` that compares the whole member list with the zones served (a reload of
    /// the zones folder); calls made before it runs share it. Ignored before `start()` or the first `rebuild()`,
    /// which see every change made until then.
    public func membersChanged() {
        guard started.load(ordering: .acquiring) else { return }
        hints.withLock { $0.rescan = true }
        schedule()
    }

    /// Schedules a rebuild that looks at `origin` only: it was just served (`added`) or withdrawn. Call it after
    /// the snapshot holds the change. A million members are not compared for one add.
    public func memberChanged(_ origin: Name, added: Bool) {
        guard started.load(ordering: .acquiring) else { return }
        hints.withLock { hints in
            if added { hints.added.insert(origin.lowercased()) } else { hints.removed.insert(origin.lowercased()) }
        }
        schedule()
    }

    /// The names said to have come or gone since the last rebuild, or that a whole comparison is due.
    private struct Hints {
        var added: Set<Name> = []
        var removed: Set<Name> = []
        var rescan = false
    }

    private let hints = Mutex(Hints())

    private func schedule() {
        let first = scheduled.withLock { pending in
            defer { pending = true }
            return !pending
        }
        if first { wake.signal() }
    }

    /// On the rebuild thread: lets the changes of the next `delay` join, then rebuilds.
    private func rebuildAfterDelay() {
        SystemClock.sleep(for: delay)
        scheduled.withLock { $0 = false }
        do {
            try rebuild()
        } catch {
            logger.error("catalog zone \(origin): \(error)")
            // No catalog served yet (readiness waits for one): try again, rather than wait for a change.
            if !isServed {
                SystemClock.sleep(for: .seconds(1))
                membersChanged()
            }
        }
    }

    /// Rebuilds the catalog now and publishes it when its member list changed (or it is not served yet).
    public func rebuild() throws {
        // Taken before the snapshot is read: a change is in the snapshot before its hint is given, so a hint
        // taken here is in the snapshot read below, and one given later schedules another rebuild.
        let hinted = hints.withLock { hints in
            defer { hints = Hints() }
            return hints
        }
        let first: Bool
        do {
            first = try listed.withLock { listed in try rebuild(&listed, hinted: hinted) }
        } catch {
            // The hints taken are lost with this rebuild: the next one compares every zone.
            hints.withLock { $0.rescan = true }
            throw error
        }
        // The first build (every member at once) leaves its temporaries' pages free but resident.
        if first { FreeMemory.release() }
        started.store(true, ordering: .releasing)
    }

    /// `rebuild` under the lock of `listed`; true when it served the catalog's first version.
    private func rebuild(_ listed: inout CatalogZone.Listing?, hinted: Hints) throws -> Bool {
        let snapshot = store.snapshot
        var current = snapshot.zone(origin: origin)
        // The first build starts from the version served or stored (a restart), when it is what a listing writes:
        // the members that came and went since are changed in it, keeping their ids.
        let shared = { (member: Name) in snapshot.zone(origin: member)?.origin ?? member }
        var unreadable = false
        if listed == nil, let current {
            listed = try CatalogZone.Listing(origin: origin, records: current.records, shared: shared)
        } else if listed == nil {
            let stored: (records: [Record], history: [ZoneDelta])?
            do {
                stored = try versions.storedRecords(origin: origin)
            } catch let error as StorageError {
                throw error  // the database, not the catalog: tried again
            } catch {
                // Stored bytes that no longer decode or build: the catalog is made again from the zones served, as
                // a first version with a newer serial (secondaries transfer it whole), rather than never served.
                logger.error("catalog zone \(origin): the stored version cannot be read (\(error)); it is made again")
                stored = nil
                unreadable = true
            }
            if let stored, let found = try CatalogZone.Listing(origin: origin, records: stored.records, shared: shared) {
                // Built again from its listing, the same records, so that a member's name is the served zone's
                // own: no second copy of a million names.
                let serial = ZoneDelta.serial(of: stored.records.first { $0.type == .soa }!)
                current = try Zone(origin: origin,
                                   records: CatalogZone.head(origin: origin, serial: serial) + found.records(),
                                   history: stored.history)
                listed = found
            }
        }
        // Taken out rather than copied (a copy changed would copy a million ids): a rebuild that fails leaves none,
        // and the next one reads the listing back from the version served.
        let continued = listed != nil
        var next = try listed.take() ?? CatalogZone.Listing(origin: origin)
        // The members that came and went since `current`: from the hints, each checked against the snapshot, when
        // only hints came; else by comparing every zone served with the list.
        let incoming: Set<Name>, leaving: Set<Name>
        if current != nil, continued, !hinted.rescan, !(hinted.added.isEmpty && hinted.removed.isEmpty) {
            incoming = hinted.added.filter { $0 != origin && snapshot.zone(origin: $0) != nil && !next.lists($0) }
            leaving = hinted.removed.filter { snapshot.zone(origin: $0) == nil && next.lists($0) }
        } else {
            let members = Set(snapshot.allZones.map(\.origin)).subtracting([origin])
            let before = next.members
            incoming = members.subtracting(before)
            leaving = before.subtracting(members)
        }
        let now = SystemClock.wallMilliseconds()
        let proposed = try versions.database.proposedSerial(name: ZoneVersions.storageName(origin), now: now)
        let head = try CatalogZone.head(origin: origin, serial: proposed)
        var zone: Zone
        if let current, continued {
            if incoming.isEmpty && leaving.isEmpty {
                zone = current
            } else {
                let removed = try next.remove(leaving)
                let added = try next.add(incoming)
                zone = try versions.zone(applying: removed, added: added, to: current, soa: head[0],
                                         zoneRecords: head.count + next.count, now: now)
            }
        } else {
            _ = try next.add(incoming)
            zone = unreadable ? try versions.replacing(origin: origin, records: head + next.records())
                : try versions.zone(origin: origin, records: head + next.records(), current: current, now: now)
        }
        listed = next
        if let published = snapshot.zone(origin: origin), published.serial == zone.serial {
            served.store(true, ordering: .releasing)
            return false
        }
        // A first version is built from records: its names are copied once into the table changes share.
        zone = zone.preparedForChanges()
        store.update { [zone] in $0.inserting(zone) }
        let first = !served.exchange(true, ordering: .acquiringAndReleasing)
        logger.info("catalog zone \(origin): serial \(zone.serial), \(next.count) members")
        onPublish(zone)  // under the lock: versions are reported in the order they were published
        return first
    }
}
