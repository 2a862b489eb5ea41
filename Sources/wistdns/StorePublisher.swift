import AdminAPI
import AuthEngine
import DNSWire
import Foundation
import Notify
import Publishing
import Synchronization
import Platform

/// Serves the zones the domains API generates from the same store as the zones folder: each name is claimed in
/// `ZoneClaims` first (so it cannot overlap a file, the catalog, a provider zone or another domain), each version
/// gets its serial and journal entry from `ZoneVersions`, the catalog hears of every zone that comes or goes,
/// and the secondaries are notified of each change.
final class StorePublisher: ZonePublisher {
    let store: ZoneStore
    let claims: ZoneClaims
    let versions: ZoneVersions
    let catalog: CatalogMaintainer?
    let notifier: Notifier
    /// The watches of the zones of domains waiting for verification, by origin.
    let watches = Mutex<[Name: QueryWatch]>([:])
    /// How often one watched zone may ask for a check (ms).
    let watchInterval: UInt64
    /// The zones published while `batchingPublication` runs (nil outside it).
    private let pending = Mutex<[Zone]?>(nil)

    init(store: ZoneStore, claims: ZoneClaims, versions: ZoneVersions, catalog: CatalogMaintainer?, notifier: Notifier,
         watchInterval: UInt64) {
        self.store = store
        self.claims = claims
        self.versions = versions
        self.catalog = catalog
        self.notifier = notifier
        self.watchInterval = watchInterval
    }

    func conflict(origin: Name) -> ZoneConflict? {
        claims.conflictForDomain(origin).map {
            ZoneConflict(zone: $0.zoneText, reason: $0.publicDescription, detail: $0.description)
        }
    }

    func claim(origin: Name) throws(ZoneConflict) {
        if let conflict = claims.claimDomain(origin) {
            throw ZoneConflict(zone: conflict.zoneText, reason: conflict.publicDescription, detail: conflict.description)
        }
    }

    func reserveClaims(_ count: Int) {
        claims.reserveDomains(count)
    }

    func publish(origin: Name, records: [Record], onQuery: (@Sendable () -> Void)?) throws -> UInt32 {
        try requireClaim(origin)
        let now = SystemClock.wallMilliseconds()
        // Never from the snapshot: a zone of this name there is not the API's (a file a reload is withdrawing), and
        // the version to follow is the one stored for the name.
        let zone = try versions.zone(origin: origin, records: records, current: nil, now: now,
                                     watch: watch(origin, onQuery))
        serve(zone)
        return zone.serial
    }

    func publishStored(origin: Name, onQuery: (@Sendable () -> Void)?) throws -> Bool {
        try requireClaim(origin)
        guard let zone = try versions.storedZone(origin: origin, watch: watch(origin, onQuery)) else { return false }
        serve(zone)
        return true
    }

    func matchStored(_ zones: [(origin: Name, records: [Record])]) throws -> [Bool] {
        try versions.matchStored(zones)
    }

    private func requireClaim(_ origin: Name) throws {
        guard claims.holdsDomain(origin) else {
            throw ZoneConflict(zone: origin.description, reason: "is not claimed for a domain")
        }
    }

    /// The watch of `origin`'s zone with `onQuery`, nil without: one per name across versions, so its
    /// once-per-interval limit holds over republishes.
    private func watch(_ origin: Name, _ onQuery: (@Sendable () -> Void)?) -> QueryWatch? {
        let key = origin.lowercased()
        guard let onQuery else {
            watches.withLock { _ = $0.removeValue(forKey: key) }
            return nil
        }
        return watches.withLock { watches in
            let watch = watches[key] ?? QueryWatch(interval: watchInterval, onQuery: onQuery)
            watch.setActive(true)
            watches[key] = watch
            return watch
        }
    }

    /// Serves `zone` (in the start-up's batch while one runs), and tells the secondaries and the catalog.
    private func serve(_ zone: Zone) {
        let batched = pending.withLock { zones in
            zones?.append(zone)
            return zones != nil
        }
        // A new version of a zone served already changes no member of the catalog (a million of them, when new
        // settings change every zone).
        let listed = !batched && store.snapshot.zone(origin: zone.origin) != nil
        if !batched { store.update { $0.inserting(zone) } }
        notifier.zoneChanged(zone)
        if !listed { catalog?.memberChanged(zone.origin, added: true) }
    }

    /// Runs `body` (the start-up, publishing every stored domain) and serves the zones it publishes in one
    /// snapshot update when it ends, rather than one update each: the set's table is built once with all of them.
    /// Nothing may read the store for those zones before it returns: the DNS server starts after it.
    func batchingPublication<T>(_ body: () throws -> T) throws -> T {
        pending.withLock { $0 = [] }
        defer {
            let zones = pending.withLock { zones in
                defer { zones = nil }
                return zones ?? []
            }
            store.update { current in
                var next = current
                next.insert(contentsOf: zones)
                return next
            }
        }
        return try body()
    }

    func stopWatching(origin: Name) {
        watches.withLock { $0[origin.lowercased()]?.setActive(false) }
    }

    func withdraw(origin: Name) {
        guard claims.holdsDomain(origin), store.snapshot.zone(origin: origin) != nil else { return }
        store.update { $0.removing(origin: origin) }
        notifier.zoneRemoved(origin: origin)
        catalog?.memberChanged(origin, added: false)
    }

    func release(origin: Name) {
        guard claims.holdsDomain(origin) else { return }
        withdraw(origin: origin)
        claims.releaseDomain(origin)
        watches.withLock { _ = $0.removeValue(forKey: origin.lowercased()) }
    }
}
