import DNSWire
import HashTreeCollections

extension Zone {
    /// The version of this zone after `delta`: it answers as `Zone(origin:records:history:)` would from this
    /// zone's `records` with `delta.newSOA` for its SOA, without the records of `delta.removed` (owner names compared
    /// without case) and with those of `delta.added` after them. `history` is the new version's history.
    ///
    /// A zone of more than `NodeTable.arrayLimit` names is changed at the names `delta` touches only: the new
    /// version shares every other name with this one (a catalog of a million members changes a member in
    /// microseconds; the first change of a zone built from records copies its table once). A zone of a few names,
    /// and a change of address records (other sets' additional data), delegations, SOA records, the apex NS set
    /// or names outside the zone, is built again from its records instead.
    ///
    /// A name left without records is dropped, and so is each empty non-terminal above it that has no name below
    /// it any more: found by looking for such a name among the zone's names. That look is skipped for a name as
    /// deep as the zone's deepest (a catalog's members), finds one at once when the name has many below it, and
    /// takes as long as the zone is large when it has none below it but deeper names elsewhere.
    public func applying(_ delta: ZoneDelta, history: [ZoneDelta]) throws(ZoneError) -> Zone {
        // The delta first: a zone in a hash table is copied into a tree only when it is changed in place.
        guard changesInPlace(delta), var table = changeableTable() else {
            return try Zone(origin: origin, records: records(after: delta), history: history, watch: watch)
        }
        var wildcardRemoved = false
        // The sets of each owner touched, in the order owners are first touched.
        var touched: [Name: [RRSet]] = [:]
        var order: [Name] = []
        func sets(at key: Name) -> [RRSet] {
            if let sets = touched[key] { return sets }
            order.append(key)
            return table.nodes[key]?.rrsets(at: key) ?? []
        }
        for record in delta.removed {
            let key = record.name.lowercased()
            var owned = sets(at: key)
            if let index = owned.firstIndex(where: { $0.type == record.type }), owned[index].ttl == record.ttl {
                let set = owned[index]
                let kept = set.rdata.filter { $0 != record.rdata }
                if kept.isEmpty {
                    owned.remove(at: index)
                } else if kept.count < set.count {
                    owned[index] = RRSet(owner: set.owner, type: set.type, ttl: set.ttl, rdata: kept,
                                         shared: key == origin)
                }
            }
            touched[key] = owned
        }
        for record in delta.added {
            let key = record.name.lowercased()
            var owned = sets(at: key)
            if let index = owned.firstIndex(where: { $0.type == record.type }) {
                let set = owned[index]
                let rdata = set.rdata
                if !rdata.contains(record.rdata) {
                    owned[index] = RRSet(owner: set.owner, type: set.type, ttl: set.ttl, rdata: rdata + [record.rdata],
                                         shared: key == origin)
                }
            } else {
                owned.append(RRSet(owner: record.name == key ? key : record.name, type: record.type, ttl: record.ttl,
                                   rdata: [record.rdata], shared: key == origin))
            }
            touched[key] = owned
        }
        // The new SOA in the old one's place.
        var apex = touched[origin] ?? table.nodes[origin]?.rrsets(at: origin) ?? []
        let soaSet = RRSet(owner: delta.newSOA.name, type: .soa, ttl: delta.newSOA.ttl, rdata: [delta.newSOA.rdata])
        if let index = apex.firstIndex(where: { $0.type == .soa }) { apex[index] = soaSet } else { apex.insert(soaSet, at: 0) }
        if touched[origin] == nil { order.append(origin) }
        touched[origin] = apex

        for key in order {
            let owned = touched[key]!
            if owned.isEmpty {
                // A name that was not in the zone, and is not now.
                guard table.nodes[key] != nil else { continue }
                if key != origin, !table.hasNames(below: key) {
                    table.nodes[key] = nil
                    if key.isWildcard { wildcardRemoved = true }
                    wildcardRemoved = table.removeEmptyAncestors(of: key, apex: origin) || wildcardRemoved
                } else {
                    table.nodes[key] = ZoneNode(rrsets: [])
                }
            } else {
                if table.nodes[key] == nil { table.insert(key, apex: origin) }
                table.nodes[key] = ZoneNode(rrsets: owned.map { set in
                    // Additional addresses as the zone holds them (a change of addresses is built again instead).
                    let targets = set.rdata.compactMap(\.additionalName)
                    guard !targets.isEmpty else { return set }
                    return set.with(additional: targets.flatMap { table.addresses(of: $0) })
                })
            }
        }
        guard table.nodes[origin]?.rrset(.ns) != nil else {
            throw ZoneError(zone: origin.description, message: "no NS records at the apex")
        }
        let wildcards = wildcardRemoved ? table.nodes.keys.contains(where: \.isWildcard)
            : hasWildcards || table.insertedWildcard || order.contains { $0.isWildcard && table.nodes[$0] != nil }
        return Zone(origin: origin, soa: soaSet, nodes: .tree(table.nodes, deepest: table.deepest), history: history,
                    watch: watch, hasCuts: hasCuts, hasWildcards: wildcards)
    }

    /// This zone with its names kept as `applying` changes them (copied once into a tree): for a zone that will
    /// change a few names at a time (the catalog), so that its first change costs what the next ones do. A zone of
    /// a few names is returned as it is.
    public func preparedForChanges() -> Zone {
        guard case .many(let table) = nodes else { return self }
        return Zone(origin: origin, soa: soa, nodes: .tree(TreeDictionary(table), deepest: Self.deepest(table)),
                    history: history, watch: watch, hasCuts: hasCuts, hasWildcards: hasWildcards)
    }

    /// The most labels a name of `table` has.
    private static func deepest(_ table: [Name: ZoneNode]) -> Int { table.keys.lazy.map(\.labelCount).max() ?? 0 }

    /// This zone's names as a tree to change, nil for a zone of a few names (built again from its records).
    private func changeableTable() -> ChangingTable? {
        switch nodes {
        case .few: nil
        case .many(let table): ChangingTable(nodes: TreeDictionary(table), deepest: Self.deepest(table))
        case .tree(let table, let deepest): ChangingTable(nodes: table, deepest: deepest)
        }
    }

    /// Whether `delta` can change this zone's names in place: it touches no SOA, address, apex NS or delegation,
    /// and every name lies in the zone.
    private func changesInPlace(_ delta: ZoneDelta) -> Bool {
        guard delta.newSOA.type == .soa, delta.newSOA.name.lowercased() == origin else { return false }
        for record in delta.removed + delta.added {
            switch record.type {
            case .soa, .a, .aaaa, .ns: return false
            default: break
            }
            guard record.name.isSubdomain(of: origin) else { return false }
        }
        return true
    }

    /// This zone's records as `applying(delta)` describes them: for a zone built again.
    private func records(after delta: ZoneDelta) -> [Record] {
        RecordList.applying(CollectionOfOne((removed: delta.removed, added: [delta.newSOA] + delta.added)), to: records)
    }
}

/// The names of a zone being changed by `Zone.applying`.
private struct ChangingTable {
    var nodes: TreeDictionary<Name, ZoneNode>
    var deepest: Int
    /// Set when an empty non-terminal inserted is a wildcard (`*.x` above a name added).
    var insertedWildcard = false

    /// Whether any name lies below `name`.
    func hasNames(below name: Name) -> Bool {
        let labels = name.labelCount
        guard labels < deepest else { return false }
        return nodes.keys.contains { $0.labelCount > labels && $0.isSubdomain(of: name) }
    }

    /// Adds `name` (not kept yet) as an empty node, and every empty non-terminal between it and `apex`.
    mutating func insert(_ name: Name, apex: Name) {
        nodes[name] = ZoneNode(rrsets: [])
        deepest = max(deepest, name.labelCount)
        var ancestor = name.parent
        while let current = ancestor, current != apex, nodes[current] == nil {
            nodes[current] = ZoneNode(rrsets: [])
            if current.isWildcard { insertedWildcard = true }
            ancestor = current.parent
        }
    }

    /// Drops the empty non-terminals above `name` (just dropped) with no other name below them; true when one of
    /// them was a wildcard.
    mutating func removeEmptyAncestors(of name: Name, apex: Name) -> Bool {
        var wildcard = false
        var ancestor = name.parent
        while let current = ancestor, current != apex, nodes[current]?.isEmpty == true, !hasNames(below: current) {
            nodes[current] = nil
            if current.isWildcard { wildcard = true }
            ancestor = current.parent
        }
        return wildcard
    }

    /// The address sets at `target`, when it is a name of the zone.
    func addresses(of target: Name) -> [RRSet] {
        nodes[target.lowercased()]?.rrsets.filter { $0.type == .a || $0.type == .aaaa } ?? []
    }
}
