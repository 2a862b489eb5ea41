import DNSWire

/// A zone whose content changed: what a NOTIFY for it carries.
struct ZoneChange: Sendable, Equatable {
    /// The zone's apex, as the question names it.
    let origin: Name
    /// The zone's SOA record after the change, sent in the answer section.
    let soa: Record

    /// The lowercased origin: one zone, whatever the case it is written in.
    var key: Name { origin.lowercased() }

    /// The serial of `soa`, 0 when it is not an SOA record.
    var serial: UInt32 {
        if case .soa(let data) = soa.rdata { data.serial } else { 0 }
    }
}
