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
            for set in sets where set.type == type { return set }
            return nil
        case .apex(let own, let shared):
            if own.type == type { return own }
            for set in shared where set.type == type { return set }
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
    /// `shape` holds each name's length and label count, in the zone object itself (see `FewShape`).
    case few([(name: Name, node: ZoneNode)], shape: FewShape)
    case many([Name: ZoneNode])
    /// `deepest` is at least the label count of every name kept: a name that deep has no name below it.
    case tree(TreeDictionary<Name, ZoneNode>, deepest: Int)

    /// The most names kept in an array.
    static let arrayLimit = 8

    /// The wire length and label count of each name of a `few` table (at most `arrayLimit`), an octet each. They
    /// lie in the enum's payload, in the zone object a lookup has just read: a name is compared only when its
    /// length is the one asked (or, for an empty non-terminal, looked at only when it has more labels), so a
    /// lookup reads the array and the name it finds, not every name before it (each a cache miss). The payload
    /// keeps its size: the `tree` case is as large.
    struct FewShape: Sendable {
        private var lengths: UInt64 = 0
        private var labelCounts: UInt64 = 0

        init(_ names: some Sequence<Name>) {
            for (index, name) in names.enumerated() {
                precondition(index < NodeTable.arrayLimit, "more names than a few-name table keeps")
                lengths |= UInt64(name.wire.count) << (8 * index)
                labelCounts |= UInt64(name.labelCount) << (8 * index)
            }
        }

        func length(_ index: Int) -> Int { Int(truncatingIfNeeded: lengths >> (8 * index)) & 0xFF }

        func labels(_ index: Int) -> Int { Int(truncatingIfNeeded: labelCounts >> (8 * index)) & 0xFF }
    }

    /// The table of a zone of at most `arrayLimit` `names` (distinct, lowercased, each holding records: no empty
    /// non-terminal) and the node of each, at the same position; kept apex first.
    init(few names: [Name], nodes: [ZoneNode]) {
        var entries: [(name: Name, node: ZoneNode)] = []
        entries.reserveCapacity(names.count)
        for entry in zip(names, nodes) { entries.append(entry) }
        entries.sort { ($0.name.labelCount, $0.name) < ($1.name.labelCount, $1.name) }
        self = .few(entries, shape: FewShape(entries.lazy.map(\.name)))
    }

    /// The node at a lowercased name (an empty one for an empty non-terminal). Ask only names at or below the
    /// zone's apex.
    subscript(name: Name) -> ZoneNode? {
        switch self {
        case .few(let nodes, let shape):
            let length = name.wire.count
            for index in nodes.indices where shape.length(index) == length && nodes[index].name == name {
                return nodes[index].node
            }
            let labels = name.labelCount
            for index in nodes.indices where shape.labels(index) > labels && nodes[index].name.isSubdomain(of: name) {
                return ZoneNode(rrsets: [])
            }
            return nil
        case .many(let table):
            return table[name]
        case .tree(let table, _):
            return table[name]
        }
    }

    /// The number of names kept.
    var count: Int {
        switch self {
        case .few(let nodes, _): nodes.count
        case .many(let table): table.count
        case .tree(let table, _): table.count
        }
    }

    /// Every name with records (and, in a large zone, every empty non-terminal), lowercased, in no particular
    /// order.
    var names: [Name] {
        switch self {
        case .few(let nodes, _): nodes.map(\.name)
        case .many(let table): Array(table.keys)
        case .tree(let table, _): Array(table.keys)
        }
    }
}
