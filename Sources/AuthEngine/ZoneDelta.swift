import DNSWire

/// One change of a zone, as IXFR sends it (RFC 1995 section 4): the SOA before, the records taken away, the SOA
/// after, the records added. Records that only changed their TTL are taken away and added again.
public struct ZoneDelta: Hashable, Sendable {
    /// The apex SOA record before the change.
    public let oldSOA: Record
    /// The apex SOA record after the change.
    public let newSOA: Record
    /// Records of the old version that the new one lacks (no SOA).
    public let removed: [Record]
    /// Records of the new version that the old one lacks (no SOA).
    public let added: [Record]

    public init(oldSOA: Record, newSOA: Record, removed: [Record], added: [Record]) {
        self.oldSOA = oldSOA
        self.newSOA = newSOA
        self.removed = removed
        self.added = added
    }

    /// The serial the change starts from.
    public var fromSerial: UInt32 { Self.serial(of: oldSOA) }
    /// The serial the change leads to.
    public var toSerial: UInt32 { Self.serial(of: newSOA) }

    /// The number of records an IXFR sends for this change, both SOAs included.
    public var size: Int { removed.count + added.count + 2 }

    /// The change from `old` to `new`, two versions of one zone (each with its apex SOA). Owner names compare
    /// without case; the order of records within `removed` and `added` follows `old` and `new`. Nil when either
    /// version has no SOA.
    public init?(from old: [Record], to new: [Record]) {
        guard let oldSOA = old.first(where: { $0.type == .soa }), let newSOA = new.first(where: { $0.type == .soa })
        else { return nil }
        let oldKeys = Set(old.lazy.filter { $0.type != .soa }.map(Self.key))
        let newKeys = Set(new.lazy.filter { $0.type != .soa }.map(Self.key))
        self.init(oldSOA: oldSOA, newSOA: newSOA,
                  removed: old.filter { $0.type != .soa && !newKeys.contains(Self.key($0)) },
                  added: new.filter { $0.type != .soa && !oldKeys.contains(Self.key($0)) })
    }

    /// True when the change touches nothing but the SOA serial: the two versions have the same records.
    public var isEmpty: Bool {
        removed.isEmpty && added.isEmpty && Self.key(Self.withSerial(oldSOA, 0)) == Self.key(Self.withSerial(newSOA, 0))
    }

    private static func key(_ record: Record) -> Record {
        var key = record
        key.name = record.name.lowercased()
        return key
    }

    /// The serial of an SOA record (0 for any other record).
    public static func serial(of soa: Record) -> UInt32 {
        if case .soa(let value) = soa.rdata { value.serial } else { 0 }
    }

    /// `records` with every SOA's serial replaced (a zone's records as served with `serial`).
    public static func withSerial(_ records: [Record], _ serial: UInt32) -> [Record] {
        records.map { $0.type == .soa ? withSerial($0, serial) : $0 }
    }

    /// `soa` with its serial replaced.
    public static func withSerial(_ soa: Record, _ serial: UInt32) -> Record {
        guard case .soa(var value) = soa.rdata else { return soa }
        value.serial = serial
        var record = soa
        record.rdata = .soa(value)
        return record
    }
}
