import AdminAPI
import AuthEngine
import DNSWire

/// Serves the zones the domains API generates from the same store as the zones folder.
struct StorePublisher: ZonePublisher {
    let store: ZoneStore
    let loader: ZoneLoader

    func publish(origin: Name, records: [Record]) throws {
        let zone = try Zone(origin: origin, records: records)
        store.update { $0.inserting(zone) }
    }

    func withdraw(origin: Name) {
        store.update { $0.removing(origin: origin) }
    }

    func isStaticZone(_ origin: Name) -> Bool { loader.isStatic(origin) }
}
