import AdminAPI
import AuthEngine
import DNSWire
import Foundation
import Notify
import Publishing

/// Serves the zones the domains API generates from the same store as the zones folder: each name is claimed in
/// `ZoneClaims` first (so it cannot overlap a file, the catalog, a provider zone or another domain), each version
/// gets its serial and journal entry from `ZoneVersions`, the catalog hears of every zone that comes or goes,
/// and the secondaries are notified of each change.
struct StorePublisher: ZonePublisher {
    let store: ZoneStore
    let claims: ZoneClaims
    let versions: ZoneVersions
    let catalog: CatalogMaintainer?
    let notifier: Notifier

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

    func publish(origin: Name, records: [Record]) throws -> UInt32 {
        guard claims.holdsDomain(origin) else {
            throw ZoneConflict(zone: origin.description, reason: "is not claimed for a domain")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // Never from the snapshot: a zone of this name there is not the API's (a file a reload is withdrawing), and
        // the version to follow is the one stored for the name.
        let zone = try versions.zone(origin: origin, records: records, current: nil, now: now)
        store.update { $0.inserting(zone) }
        notifier.zoneChanged(zone)
        catalog?.membersChanged()
        return zone.serial
    }

    func release(origin: Name) {
        guard claims.holdsDomain(origin) else { return }
        let served = store.snapshot.zone(origin: origin) != nil
        if served {
            store.update { $0.removing(origin: origin) }
            notifier.zoneRemoved(origin: origin)
            catalog?.membersChanged()
        }
        claims.releaseDomain(origin)
    }
}
