import DNSWire

/// The data at one name of a zone. A node without RRsets is an empty non-terminal (RFC 4592 section 2.2.2).
final class ZoneNode: Sendable {
    /// The RRsets at this name, few enough that a linear scan beats hashing.
    let rrsets: [RRSet]

    init(rrsets: [RRSet]) {
        self.rrsets = rrsets
    }

    func rrset(_ type: RecordType) -> RRSet? {
        for set in rrsets where set.type == type { return set }
        return nil
    }
}
