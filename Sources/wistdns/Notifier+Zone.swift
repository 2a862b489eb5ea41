import AuthEngine
import Notify

extension Notifier {
    /// `zone` was just published (added or changed): its secondaries are notified with its SOA.
    func zoneChanged(_ zone: Zone) {
        zoneChanged(origin: zone.origin, soa: zone.soa.records[0])
    }
}
