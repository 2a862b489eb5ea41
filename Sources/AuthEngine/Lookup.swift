import DNSWire

/// Finds the outcome for a question in a snapshot: zone selection, zone cuts, exact matches, CNAME chains,
/// wildcards (RFC 4592) and empty non-terminals.
enum Lookup {
    /// The most CNAMEs followed within our zones for one query.
    static let maxChain = 8

    /// Looks up `name` (as sent) for `type` (the class has already been checked) in `zones`, also giving the watch
    /// of the zone the lookup started in, if it has one (see `QueryWatch`). Only the watch is handed out, not the
    /// zone: no reference to a shared object is taken for an unwatched zone.
    static func find(_ name: Name, _ type: RecordType, in zones: borrowing ZoneSet,
                     watch: inout QueryWatch?) -> Outcome {
        let key = name.lowercased()
        // DS lives on the parent side of a cut (RFC 4035 section 3.1.4.1): ask the parent zone when we serve it.
        var zone = zones.closestZone(to: key)
        if type == .ds, let child = zone, child.origin == key, let parentName = key.parent,
           let parent = zones.closestZone(to: parentName) {
            zone = parent
        }
        guard let zone else { return .refused }
        if let zoneWatch = zone.watch { watch = zoneWatch }

        var answer = Answer(rrsets: [], rcode: .noError, negative: nil, delegation: nil)
        var current = name
        var currentKey = key
        var currentZone = zone
        for _ in 0 ... Lookup.maxChain {
            switch step(currentKey, type, in: currentZone) {
            case .delegation(let cut):
                if answer.rrsets.isEmpty { return .delegation(cut) }
                answer.delegation = cut
                return .answer(answer)
            case .nameError:
                if answer.rrsets.isEmpty { return .nameError(currentZone) }
                answer.rcode = .nxDomain
                answer.negative = currentZone
                return .answer(answer)
            case .noData:
                if answer.rrsets.isEmpty { return .noData(currentZone) }
                answer.negative = currentZone
                return .answer(answer)
            case .data(let set):
                if answer.rrsets.isEmpty { return .data(name: current, set: set) }
                answer.rrsets.append((current, set))
                return .answer(answer)
            case .cname(let set):
                answer.rrsets.append((current, set))
                guard case .cname(let target) = set.firstRData else { return .answer(answer) }
                let targetKey = target.lowercased()
                // Follow the chain only inside the zone where it started (RFC 1034 section 4.3.2 step 3a):
                // data of other zones is not authoritative for this answer's AA bit.
                guard targetKey.isSubdomain(of: currentZone.origin),
                      !answer.rrsets.dropLast().contains(where: { $0.name.lowercased() == targetKey }) else {
                    return .answer(answer)
                }
                current = target
                currentKey = targetKey
                currentZone = zones.closestZone(to: targetKey) ?? currentZone
                guard currentZone.origin == zone.origin else { return .answer(answer) }
            }
        }
        return .answer(answer)
    }

    /// The result of looking up one name in one zone.
    private enum Step {
        case data(RRSet)
        case cname(RRSet)
        case noData
        case nameError
        case delegation(RRSet)
    }

    private static func step(_ key: Name, _ type: RecordType, in zone: Zone) -> Step {
        if zone.hasCuts, let cut = cut(above: key, type: type, in: zone) { return .delegation(cut) }
        if let node = zone.node(key) { return match(node, type) }
        // Without wildcards a name the zone lacks does not exist (no name to copy for every step up).
        guard zone.hasWildcards else { return .nameError }
        // No such name: the closest encloser's wildcard child, if any, synthesizes the answer (RFC 4592 3.3.1).
        var encloser = key.parent
        while let candidate = encloser, candidate.labelCount >= zone.origin.labelCount {
            if zone.node(candidate) != nil {
                guard let wildcard = zone.node(Lookup.wildcard(under: candidate)) else { return .nameError }
                return match(wildcard, type)
            }
            encloser = candidate.parent
        }
        return .nameError
    }

    /// The data a node holds for `type`.
    private static func match(_ node: ZoneNode, _ type: RecordType) -> Step {
        if type == .any {
            // RFC 8482 section 4.2: answer ANY with one RRset rather than all of them.
            guard let first = node.lowestType else { return .noData }
            return .data(first)
        }
        if let set = node.rrset(type) { return .data(set) }
        if let cname = node.rrset(.cname) { return .cname(cname) }
        return .noData
    }

    /// The NS set of the highest zone cut strictly below the apex and at or above `key`. A DS question at the
    /// cut itself is answered by the parent side.
    private static func cut(above key: Name, type: RecordType, in zone: Zone) -> RRSet? {
        let depth = key.labelCount - zone.origin.labelCount
        guard depth > 0 else { return nil }
        for drop in stride(from: depth - 1, through: 0, by: -1) {
            let name = key.dropping(labels: drop)
            guard let node = zone.node(name) else { return nil }
            if let ns = node.rrset(.ns) {
                if drop == 0 && type == .ds { return nil }
                return ns
            }
        }
        return nil
    }

    /// `*.name`.
    static func wildcard(under name: Name) -> Name {
        Name(uncheckedWire: [1, UInt8(ascii: "*")] + name.wire)
    }
}
