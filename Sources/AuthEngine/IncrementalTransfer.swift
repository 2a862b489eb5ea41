import DNSWire

/// The records of an IXFR answer (RFC 1995 section 4) for a client that holds version `clientSerial`.
enum IncrementalTransfer {
    /// - The client is current (its serial is the same or newer in RFC 1982 terms): the single current SOA.
    /// - The zone's history reaches back to the client's version: the current SOA, then for each change the old
    ///   SOA, the records removed, the new SOA, the records added, and the current SOA again.
    /// - Otherwise: the whole zone as AXFR sends it (section 4 allows it), SOA first and last.
    static func records(of zone: Zone, since clientSerial: UInt32) -> [Record] {
        let current = zone.soa.records[0]
        if !SerialNumber(zone.serial).isNewer(than: clientSerial) { return [current] }
        guard let changes = zone.changes(since: clientSerial) else {
            var records = zone.records
            records.append(current)
            return records
        }
        var records = [current]
        records.reserveCapacity(changes.reduce(2) { $0 + $1.size })
        for change in changes {
            records.append(change.oldSOA)
            records.append(contentsOf: change.removed)
            records.append(change.newSOA)
            records.append(contentsOf: change.added)
        }
        records.append(current)
        return records
    }
}
