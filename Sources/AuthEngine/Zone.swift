import Dispatch
import DNSWire

/// Why a set of records cannot be served as a zone.
public struct ZoneError: Error, Equatable, Sendable, CustomStringConvertible {
    public let zone: String
    public let message: String
    public var description: String { "zone \(zone): \(message)" }
}

/// One authoritative zone, immutable once built. Names are looked up by their lowercased wire form.
public final class Zone: Sendable {
    /// The apex, lowercased.
    public let origin: Name
    /// The apex SOA set.
    public let soa: RRSet
    /// The SOA serial.
    public var serial: UInt32 { if case .soa(let value) = soa.rdata[0] { value.serial } else { 0 } }
    /// The TTL of negative answers: the lesser of the SOA's TTL and its MINIMUM field (RFC 2308 section 5).
    let negativeTTL: UInt32
    /// Every name of the zone (including empty non-terminals) by lowercased name.
    let nodes: NodeTable
    /// True when the zone delegates any name below its apex, so lookups must look for zone cuts.
    let hasCuts: Bool
    /// True when the zone has a wildcard name (`*.<name>`), so a name it lacks may still be answered.
    let hasWildcards: Bool
    /// The number of records the zone was built from.
    public let recordCount: Int
    /// A digest of the records the zone was built from, to tell a reloaded but unchanged zone.
    public let contentDigest: Int
    /// The recent changes that led to this version, oldest first, each following the one before and the last
    /// ending at `serial`: what IXFR answers from (RFC 1995).
    public let history: [ZoneDelta]
    /// The watch of a domain that waits for verification (see `QueryWatch`); nil for every other zone.
    public let watch: QueryWatch?

    /// Builds a zone from its records. Exactly one SOA at the apex is required, at least one NS at the apex,
    /// and every record must lie at or below the apex. Records of one RRset take the first record's TTL.
    /// `history` is the list of changes that led to this version; only its unbroken tail that ends at this
    /// version's serial is kept.
    public init(origin: Name, records: [Record], history: [ZoneDelta] = [], watch: QueryWatch? = nil) throws(ZoneError) {
        self.watch = watch
        let origin = origin.lowercased()
        let zoneName = origin.description
        func fail(_ message: String) -> ZoneError { ZoneError(zone: zoneName, message: message) }

        // Group records by owner and type, keeping file order and dropping exact duplicates.
        var grouped: [Name: [(type: RecordType, owner: Name, ttl: UInt32, rdata: [RData])]] = [:]
        for record in records {
            guard record.name.isSubdomain(of: origin) else { throw fail("\(record.name) is outside the zone") }
            let key = record.name.lowercased()
            var sets = grouped[key, default: []]
            if let index = sets.firstIndex(where: { $0.type == record.type }) {
                if !sets[index].rdata.contains(record.rdata) { sets[index].rdata.append(record.rdata) }
            } else {
                sets.append((record.type, record.name, record.ttl, [record.rdata]))
            }
            grouped[key] = sets
        }
        guard let apexSets = grouped[origin], let soaSet = apexSets.first(where: { $0.type == .soa }) else {
            throw fail("no SOA record at the apex")
        }
        guard soaSet.rdata.count == 1, case .soa(let soaData) = soaSet.rdata[0] else {
            throw fail("more than one SOA record at the apex")
        }
        guard apexSets.contains(where: { $0.type == .ns }) else { throw fail("no NS records at the apex") }
        for (name, sets) in grouped where name != origin && sets.contains(where: { $0.type == .soa }) {
            throw fail("SOA record at \(name), below the apex")
        }

        // First pass: RRsets without additional data, so address sets can be attached in the second.
        var plain: [Name: [RRSet]] = [:]
        var cuts = false
        for (name, sets) in grouped {
            plain[name] = sets.map {
                RRSet(owner: $0.owner, type: $0.type, ttl: $0.ttl, rdata: $0.rdata,
                      shared: name == origin && $0.type != .soa)
            }
            if name != origin && sets.contains(where: { $0.type == .ns }) { cuts = true }
        }
        func addresses(of target: Name) -> [RRSet] {
            guard let sets = plain[target.lowercased()] else { return [] }
            return sets.filter { $0.type == .a || $0.type == .aaaa }
        }
        var nodes: [Name: ZoneNode] = [:]
        nodes.reserveCapacity(plain.count)
        for (name, sets) in plain {
            let prepared = sets.map { set -> RRSet in
                // A new set only when some target has in-zone addresses (never for a mail zone's NS and MX).
                let additional = set.rdata.compactMap(\.additionalName).flatMap(addresses(of:))
                return additional.isEmpty ? set : set.with(additional: additional)
            }
            nodes[name] = ZoneNode(rrsets: prepared)
        }
        // Empty non-terminals: every ancestor between a name and the apex exists as a node.
        for name in plain.keys {
            var ancestor = name.parent
            while let current = ancestor, current.labelCount > origin.labelCount, nodes[current] == nil {
                nodes[current] = ZoneNode(rrsets: [])
                ancestor = current.parent
            }
        }
        self.origin = origin
        self.soa = nodes[origin]!.rrset(.soa)!
        self.negativeTTL = min(soaSet.ttl, soaData.minimum)
        self.nodes = NodeTable(nodes)
        self.hasCuts = cuts
        // Over every node, empty non-terminals included: `*.x` with no records but a name below it still exists
        // and answers NODATA (RFC 4592 section 2.2.2).
        self.hasWildcards = nodes.keys.contains { $0.isWildcard }
        self.recordCount = records.count
        self.contentDigest = Zone.digest(of: records)
        self.history = Zone.chain(history, endingAt: soaData.serial)
    }

    /// Whoever drops the last reference to a zone frees it, and that is often a DNS thread moving on to a new
    /// snapshot. Freeing a large zone (a catalog of 10,000 members) takes milliseconds that a query must not
    /// wait for, so a zone with at least this many names hands its nodes to `reclaimer` to free.
    static let deferredFreeThreshold = 256
    /// Frees the nodes of large zones, off the DNS threads.
    static let reclaimer = DispatchQueue(label: "wistdns.zone-reclaimer")

    deinit {
        guard nodes.count >= Zone.deferredFreeThreshold else { return }
        let nodes = self.nodes
        Zone.reclaimer.async { withExtendedLifetime(nodes) {} }
    }

    /// The longest tail of `history` in which each change starts where the one before ended, the last ending
    /// at `serial`.
    private static func chain(_ history: [ZoneDelta], endingAt serial: UInt32) -> [ZoneDelta] {
        var expected = serial
        var start = history.endIndex
        while start > history.startIndex, history[start - 1].toSerial == expected {
            start -= 1
            expected = history[start].fromSerial
        }
        return Array(history[start...])
    }

    /// The changes from version `serial` to this one, or nil when the history does not reach back to it.
    public func changes(since serial: UInt32) -> ArraySlice<ZoneDelta>? {
        guard let first = history.firstIndex(where: { $0.fromSerial == serial }) else { return nil }
        return history[first...]
    }

    /// A digest of records that does not depend on their order.
    public static func digest(of records: [Record]) -> Int {
        var combined = 0
        for record in records {
            var hasher = Hasher()
            hasher.combine(record.name.lowercased())
            hasher.combine(record)
            combined = combined &+ hasher.finalize()
        }
        return combined ^ records.count
    }

    /// True when this zone was built from exactly these records (in any order).
    public func isBuilt(from records: [Record]) -> Bool {
        recordCount == records.count && contentDigest == Zone.digest(of: records)
    }

    /// The node at a lowercased name.
    func node(_ name: Name) -> ZoneNode? { nodes[name] }

    /// Every record of the zone, SOA first, then by owner in canonical order.
    public var records: [Record] {
        let owners = nodes.names.sorted()
        var result = soa.records
        for owner in owners {
            for set in nodes[owner]!.rrsets where set.type != .soa || owner != origin {
                result.append(contentsOf: set.records)
            }
        }
        return result
    }
}
