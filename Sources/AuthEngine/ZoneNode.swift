import DNSWire
import HashTreeCollections

/// The data at one name of a zone. A node without RRsets is an empty non-terminal (RFC 4592 section 2.2.2).
/// Most names hold one RRset (a mail zone's DKIM and DMARC names, every member of a catalog): it is kept without an
/// array around it.
struct ZoneNode: Sendable {
    enum Sets: Sendable {
        case none
        case one(RRSet)
        /// Few enough that a linear scan beats hashing.
        case many([RRSet])
        /// An apex whose sets but its SOA are the ones many zones hold (`SharedRData.apex`): `shared` is one array
        /// for all of them, its sets owned by the root.
        case apex(own: RRSet, shared: [RRSet])
    }

    let sets: Sets

    /// A name of one set.
    init(_ set: RRSet) {
        sets = .one(set)
    }

    init(rrsets: [RRSet]) {
        switch rrsets.count {
        case 0: sets = .none
        case 1: sets = .one(rrsets[0])
        default: sets = .many(rrsets)
        }
    }

    /// An apex node of its SOA set and sets kept whole (`SharedRData.apex`).
    init(own: RRSet, shared: [RRSet]) {
        sets = .apex(own: own, shared: shared)
    }

    /// The RRsets at this name, as kept: a set owned by the root stands for one owned by the node's name (see
    /// `rrsets(at:)`). An array made for the caller: for changes and tests, not answers.
    var rrsets: [RRSet] {
        switch sets {
        case .none: []
        case .one(let set): [set]
        case .many(let sets): sets
        case .apex(let own, let shared): [own] + shared
        }
    }

    /// The RRsets at this name, which is `name`, each owned as the zone writes it: for transfers and exports.
    func rrsets(at name: Name) -> [RRSet] {
        guard name != .root else { return rrsets }
        return rrsets.map { $0.owner == .root ? $0.with(owner: name) : $0 }
    }

    /// The set of `type`, nil when the name has none.
    func rrset(_ type: RecordType) -> RRSet? {
        switch sets {
        case .none:
            return nil
        case .one(let set):
            return set.type == type ? set : nil
        case .many(let sets):
            return Self.find(type, in: sets)
        case .apex(let own, let shared):
            if own.type == type { return own }
            return Self.find(type, in: shared)
        }
    }

    /// The set of `type` in `sets`, read in place: an array's elements read through its subscript or a `for` loop
    /// are copies, a reference counted for every set passed over.
    private static func find(_ type: RecordType, in sets: [RRSet]) -> RRSet? {
        sets.withUnsafeBufferPointer { sets in
            for index in sets.indices where sets[index].type == type { return sets[index] }
            return nil
        }
    }

    /// True for an empty non-terminal.
    var isEmpty: Bool {
        if case .none = sets { true } else { false }
    }

    /// The RRset of the lowest type code (what ANY is answered with, RFC 8482), nil for an empty non-terminal.
    var lowestType: RRSet? {
        switch sets {
        case .none: nil
        case .one(let set): set
        case .many(let sets): sets.min { $0.type.rawValue < $1.type.rawValue }
        case .apex(let own, let shared): shared.reduce(own) { $1.type.rawValue < $0.type.rawValue ? $1 : $0 }
        }
    }
}

/// The names of a zone and their data, by lowercased name. A zone of a few names (a mail zone has four) keeps
/// them in one array, apex first, without its empty non-terminals (a name with nothing but names below it, such as
/// a mail zone's `_domainkey`): one is found as a name that some kept name lies below, when the name asked is
/// not kept. The array saves the table's buckets and a name a zone; for a handful of names, comparing them costs
/// less than hashing the one asked for. A larger zone keeps every name, empty non-terminals included, in a hash
/// table. A zone changed a few names at a time (`Zone.applying`: the catalog) keeps them in a persistent hash tree,
/// which each version shares with the one before but for the names changed.
enum NodeTable: Sendable {
    case few([(name: Name, node: ZoneNode)])
    case many([Name: ZoneNode])
    /// `deepest` is at least the label count of every name kept: a name that deep has no name below it.
    case tree(TreeDictionary<Name, ZoneNode>, deepest: Int)

    /// The most names kept in an array.
    static let arrayLimit = 8

    /// The table of a zone of at most `arrayLimit` `names` (distinct, lowercased, each holding records: no empty
    /// non-terminal) and the node of each, at the same position; kept apex first.
    init(few names: [Name], nodes: [ZoneNode]) {
        var entries: [(name: Name, node: ZoneNode)] = []
        entries.reserveCapacity(names.count)
        for entry in zip(names, nodes) { entries.append(entry) }
        entries.sort { ($0.name.labelCount, $0.name) < ($1.name.labelCount, $1.name) }
        self = .few(entries)
    }

    /// The node at a lowercased name (an empty one for an empty non-terminal). Ask only names at or below the
    /// zone's apex.
    subscript(name: Name) -> ZoneNode? {
        switch self {
        case .few(let nodes):
            // Read in place: an array's elements read through its subscript or a `for` loop are copies, two
            // references counted for every entry passed over.
            return nodes.withUnsafeBufferPointer { nodes in
                for index in nodes.indices where nodes[index].name == name { return nodes[index].node }
                let labels = name.labelCount
                for index in nodes.indices where nodes[index].name.labelCount > labels
                    && nodes[index].name.isSubdomain(of: name) {
                    return ZoneNode(rrsets: [])
                }
                return nil
            }
        case .many(let table):
            return table[name]
        case .tree(let table, _):
            return table[name]
        }
    }

    /// The number of names kept.
    var count: Int {
        switch self {
        case .few(let nodes): nodes.count
        case .many(let table): table.count
        case .tree(let table, _): table.count
        }
    }

    /// Every name with records (and, in a large zone, every empty non-terminal), lowercased, in no particular
    /// order.
    var names: [Name] {
        switch self {
        case .few(let nodes): nodes.map(\.name)
        case .many(let table): Array(table.keys)
        case .tree(let table, _): Array(table.keys)
        }
    }
}
