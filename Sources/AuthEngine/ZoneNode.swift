import DNSWire

/// The data at one name of a zone. A node without RRsets is an empty non-terminal (RFC 4592 section 2.2.2).
struct ZoneNode: Sendable {
    /// The RRsets at this name, few enough that a linear scan beats hashing.
    let rrsets: [RRSet]

    func rrset(_ type: RecordType) -> RRSet? {
        for set in rrsets where set.type == type { return set }
        return nil
    }
}

/// The names of a zone and their data, by lowercased name. A zone of a few names (a mail zone has four) keeps
/// them in one array, apex first; a larger one in a hash table. The array saves the table's buckets and, for a
/// handful of names, comparing them costs less than hashing the one asked for.
enum NodeTable: Sendable {
    case few([(name: Name, node: ZoneNode)])
    case many([Name: ZoneNode])

    /// The most names kept in an array.
    static let arrayLimit = 8

    /// The table of `names` (distinct, lowercased) and the node of each, at the same position.
    init(names: [Name], nodes: [ZoneNode]) {
        if names.count <= NodeTable.arrayLimit {
            self = .few(zip(names, nodes).map { (name: $0, node: $1) }
                .sorted { ($0.name.labelCount, $0.name) < ($1.name.labelCount, $1.name) })
        } else {
            self = .many(Dictionary(uniqueKeysWithValues: zip(names, nodes)))
        }
    }

    /// The node at a lowercased name.
    subscript(name: Name) -> ZoneNode? {
        switch self {
        case .few(let nodes):
            for entry in nodes where entry.name == name { return entry.node }
            return nil
        case .many(let table):
            return table[name]
        }
    }

    /// The number of names.
    var count: Int {
        switch self {
        case .few(let nodes): nodes.count
        case .many(let table): table.count
        }
    }

    /// Every name, lowercased, in no particular order.
    var names: [Name] {
        switch self {
        case .few(let nodes): nodes.map(\.name)
        case .many(let table): Array(table.keys)
        }
    }
}
