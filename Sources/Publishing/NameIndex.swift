import DNSWire

/// How a name stands to a zone it overlaps, seen from the name.
public enum Overlap: Sendable, Equatable {
    /// The name is the zone's origin.
    case same
    /// The name lies below the zone.
    case below
    /// The name lies above the zone (the zone is below the name).
    case above
}

/// A set of lowercased names with a value each, that answers "which member equals, contains or lies below this
/// name" in as many dictionary lookups as the name has labels.
///
/// Every proper ancestor of a member (the root excluded) counts the members below it, so a name with members
/// below it is found by one lookup; which member that is takes a scan, paid only when there is one.
struct NameIndex<Value: Sendable>: Sendable {
    private(set) var members: [Name: Value] = [:]
    private var countsBelow: [Name: Int] = [:]

    /// The value of exactly `name`.
    subscript(name: Name) -> Value? { members[name] }

    /// Makes room for `count` members.
    mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }

    /// Adds `name` (lowercased) with `value`, or replaces the value of a member.
    mutating func insert(_ name: Name, _ value: Value) {
        if members.updateValue(value, forKey: name) == nil {
            forEachAncestor(of: name) { countsBelow[$0, default: 0] += 1 }
        }
    }

    /// Removes `name` and returns its value, if it was a member.
    @discardableResult
    mutating func remove(_ name: Name) -> Value? {
        guard let value = members.removeValue(forKey: name) else { return nil }
        forEachAncestor(of: name) { ancestor in
            let left = (countsBelow[ancestor] ?? 1) - 1
            countsBelow[ancestor] = left > 0 ? left : nil
        }
        return value
    }

    /// The member that `name` (lowercased) equals, lies below, or lies above, in that order of preference.
    func overlap(with name: Name) -> (zone: Name, value: Value, overlap: Overlap)? {
        if let value = members[name] { return (name, value, .same) }
        var ancestor = name.parent
        while let current = ancestor, !current.isRoot {
            if let value = members[current] { return (current, value, .below) }
            ancestor = current.parent
        }
        guard countsBelow[name] != nil else { return nil }
        for (member, value) in members where member.labelCount > name.labelCount && member.isSubdomain(of: name) {
            return (member, value, .above)
        }
        return nil
    }

    private func forEachAncestor(of name: Name, _ body: (Name) -> Void) {
        var ancestor = name.parent
        while let current = ancestor, !current.isRoot {
            body(current)
            ancestor = current.parent
        }
    }
}
