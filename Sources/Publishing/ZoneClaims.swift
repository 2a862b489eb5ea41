import DNSWire
import Synchronization

/// Who holds which names: the zone files, the domains of the API, the catalog zone and the provider's zones.
///
/// It is the one place that decides, atomically, whether a source of zones may take a name, so that no customer
/// can serve a name equal to, below or above a zone that something else serves (a zone below another would answer
/// for part of the other's names). Claims are taken before a zone is published and given up after it is withdrawn.
///
/// - A domain of the API may not overlap anything: another domain, a zone file, the catalog or a provider zone.
/// - A zone file may not overlap a domain of the API or the catalog; files may overlap each other (a parent and a
///   child zone of the operator's) and the provider zones (which are usually files themselves).
public final class ZoneClaims: Sendable {
    /// What holds a name.
    public enum Owner: Sendable, Equatable, CustomStringConvertible {
        /// A zone file, by path.
        case file(String)
        /// A domain added through the API.
        case domain
        /// The catalog zone.
        case catalog
        /// One of the provider's own zones (`providerZones`).
        case provider

        /// "the zone file zones/x.zone", "a domain added through the API", ...
        public var description: String {
            switch self {
            case .file(let path): "the zone file \(path)"
            case .domain: "a domain added through the API"
            case .catalog: "the catalog zone"
            case .provider: "a provider zone"
            }
        }
    }

    /// A name that another owner's zone overlaps.
    public struct Conflict: Sendable, Equatable, CustomStringConvertible {
        /// The zone already held (lowercased).
        public let zone: Name
        /// Who holds it.
        public let owner: Owner
        /// How the refused name stands to it.
        public let overlap: Overlap

        /// The zone in text, without the trailing dot.
        public var zoneText: String {
            zone.description.hasSuffix(".") ? String(zone.description.dropLast()) : zone.description
        }

        /// "is the zone x, ...", "lies below the zone x, ...", "lies above the zone x, ...".
        public var description: String {
            let relation = switch overlap {
            case .same: "is"
            case .below: "lies below"
            case .above: "lies above"
            }
            return "\(relation) the zone \(zoneText), \(owner)"
        }
    }

    private struct State {
        var files = NameIndex<String>()
        var domains = NameIndex<Void>()
        /// The catalog and the provider zones.
        var reserved = NameIndex<Owner>()
    }

    private let state = Mutex(State())

    /// Claims with the catalog zone (if any) and the provider zones reserved.
    public init(catalog: Name?, providerZones: [Name]) {
        state.withLock { state in
            for zone in providerZones { state.reserved.insert(zone.lowercased(), .provider) }
            // The catalog last: its owner wins if it is also named a provider zone.
            if let catalog { state.reserved.insert(catalog.lowercased(), .catalog) }
        }
    }

    /// Claims `origin` for a domain of the API. Returns the conflict instead when anything holds the name, a name
    /// above it or a name below it; nothing changes then.
    public func claimDomain(_ origin: Name) -> Conflict? {
        let name = origin.lowercased()
        return state.withLock { state in
            if let conflict = Self.conflict(name, in: state) { return conflict }
            state.domains.insert(name, ())
            return nil
        }
    }

    /// What a domain claim of `origin` would conflict with, without claiming it.
    public func conflictForDomain(_ origin: Name) -> Conflict? {
        let name = origin.lowercased()
        return state.withLock { Self.conflict(name, in: $0) }
    }

    /// Gives up the API's claim of `origin`. Returns false when the API did not hold it.
    @discardableResult
    public func releaseDomain(_ origin: Name) -> Bool {
        state.withLock { $0.domains.remove(origin.lowercased()) != nil }
    }

    /// True when `origin` is held by a domain of the API.
    public func holdsDomain(_ origin: Name) -> Bool {
        state.withLock { $0.domains[origin.lowercased()] != nil }
    }

    /// The number of names the API's domains hold.
    public var domainCount: Int { state.withLock { $0.domains.count } }

    /// A zone file that `replaceFiles` refused.
    public struct RefusedFile: Sendable {
        /// The file's origin (lowercased) and path.
        public let origin: Name
        public let path: String
        /// What it overlaps.
        public let conflict: Conflict
    }

    /// Makes `files` (origin and path) the zone files held, except those that overlap a domain of the API or the
    /// catalog: those are returned as refused and not held. One atomic step, so no domain can be claimed between
    /// the check and the change. Also returns the origins held before and no longer held.
    public func replaceFiles(_ files: [(origin: Name, path: String)]) -> (refused: [RefusedFile], released: [Name]) {
        state.withLock { state in
            var refused: [RefusedFile] = []
            var next = NameIndex<String>()
            for (origin, path) in files {
                let name = origin.lowercased()
                if let hit = state.domains.overlap(with: name) {
                    refused.append(RefusedFile(origin: name, path: path,
                                               conflict: Conflict(zone: hit.zone, owner: .domain, overlap: hit.overlap)))
                } else if let hit = state.reserved.overlap(with: name), hit.value == .catalog {
                    refused.append(RefusedFile(origin: name, path: path,
                                               conflict: Conflict(zone: hit.zone, owner: .catalog, overlap: hit.overlap)))
                } else {
                    next.insert(name, path)
                }
            }
            let released = state.files.members.keys.filter { next[$0] == nil }
            state.files = next
            return (refused, released)
        }
    }

    /// The path of the zone file that holds `origin`, if one does.
    public func file(holding origin: Name) -> String? {
        state.withLock { $0.files[origin.lowercased()] }
    }

    private static func conflict(_ name: Name, in state: State) -> Conflict? {
        if let hit = state.domains.overlap(with: name) {
            return Conflict(zone: hit.zone, owner: .domain, overlap: hit.overlap)
        }
        if let hit = state.files.overlap(with: name) {
            return Conflict(zone: hit.zone, owner: .file(hit.value), overlap: hit.overlap)
        }
        if let hit = state.reserved.overlap(with: name) {
            return Conflict(zone: hit.zone, owner: hit.value, overlap: hit.overlap)
        }
        return nil
    }
}
