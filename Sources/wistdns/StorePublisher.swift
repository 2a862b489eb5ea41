import AdminAPI
import AuthEngine
import DNSWire
import Foundation
import Notify
import Publishing

/// Serves the zones the domains API generates from the same store as the zones folder: each version gets its
/// serial and journal entry from `ZoneVersions`, the catalog hears of every zone that comes or goes, and the
/// secondaries are notified of each change.
struct StorePublisher: ZonePublisher {
    let store: ZoneStore
    let loader: ZoneLoader
    let versions: ZoneVersions
    let catalog: CatalogMaintainer?
    let notifier: Notifier

    func publish(origin: Name, records: [Record]) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let zone = try versions.zone(origin: origin, records: records, current: store.snapshot.zone(origin: origin),
                                     now: now)
        store.update { $0.inserting(zone) }
        notifier.zoneChanged(zone)
        catalog?.membersChanged()
    }

    func withdraw(origin: Name) {
        store.update { $0.removing(origin: origin) }
        notifier.zoneRemoved(origin: origin)
        catalog?.membersChanged()
    }

    func isStaticZone(_ origin: Name) -> Bool {
        loader.isStatic(origin) || catalog?.origin == origin.lowercased()
    }
}
