import DNSWire
import Synchronization

/// Who holds which names: the zone files, the domains of the API and the catalog zone.
///
/// It is the one place that decides, atomically, whether a source of zones may take a name, so that no customer
/// can serve a name equal to, below or above a zone that something else serves (a zone below another would answer
/// for part of the other's names). Claims are taken before a zone is published and given up after it is withdrawn.
/// (The provider's own zones are a policy of the name validator, `reserved_domain`, whether they are served or not.)
///
/// - A domain of the API may not overlap anything: another domain, a zone file or the catalog.
/// - A zone file may not overlap a domain of the API, nor be the catalog or lie below it; files may overlap each
///   other (a parent and a child zone of the operator's) and may hold the catalog's parent.
public final class ZoneClaims: Sendable {
    /// What holds a name.
    public enum Owner: Sendable, Equatable, CustomStringConvertible {
        /// A zone file, by path.
        case file(String)
        /// A domain added through the API.
        case domain
        /// The catalog zone.
        case catalog

        /// "the zone file zones/x.zone", "a domain added through the API", "the catalog zone".
        public var description: String {
            switch self {
            case .file(let path): "the zone file \(path)"
            case .domain: "a domain added through the API"
            case .catalog: "the catalog zone"
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

        /// "is the zone x, ...", "lies below the zone x, ...", "lies above the zone x, ...", for the operator's log.
        public var description: String { "\(relation) the zone \(zoneText), \(owner)" }

        /// The same for a customer: a zone file is not named by its path on the server.
        public var publicDescription: String {
            if case .file = owner { return "\(relation) the zone \(zoneText), served from a zone file" }
            return description
        }

        private var relation: String {
            switch overlap {
            case .same: "is"
            case .below: "lies below"
            case .above: "lies above"
            }
        }
    }

    private struct State {
        var files = NameIndex<FilePath>()
        var domains = NameIndex<Void>()
        /// The catalog zone, if any.
        var catalog: Name?
    }

    private let state = Mutex(State())

    /// Claims with the catalog zone (if any) held.
    public init(catalog: Name?) {
        state.withLock { $0.catalog = catalog?.lowercased() }
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

    /// Makes room for `count` more domains (a start that claims every stored domain; a million grew the
    /// claims twenty times).
    public func reserveDomains(_ count: Int) {
        state.withLock { $0.domains.reserveCapacity($0.domains.members.count + count) }
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
            var next = NameIndex<FilePath>()
            next.reserveCapacity(files.count)
            var folder: String?
            for (origin, path) in files {
                let name = origin.lowercased()
                if let hit = state.domains.overlap(with: name) {
                    refused.append(RefusedFile(origin: name, path: path,
                                               conflict: Conflict(zone: hit.zone, owner: .domain, overlap: hit.overlap)))
                } else if let catalog = state.catalog, name.isSubdomain(of: catalog) {
                    refused.append(RefusedFile(origin: name, path: path,
                                               conflict: Conflict(zone: catalog, owner: .catalog,
                                                                  overlap: name == catalog ? .same : .below)))
                } else {
                    next.insert(name, FilePath(path, origin: name, folder: &folder))
                }
            }
            let released = state.files.members.keys.filter { next[$0] == nil }
            state.files = next
            return (refused, released)
        }
    }

    /// The path of the zone file that holds `origin`, if one does.
    public func file(holding origin: Name) -> String? {
        let name = origin.lowercased()
        return state.withLock { $0.files[name] }?.path(origin: name)
    }

    private static func conflict(_ name: Name, in state: State) -> Conflict? {
        if let hit = state.domains.overlap(with: name) {
            return Conflict(zone: hit.zone, owner: .domain, overlap: hit.overlap)
        }
        if let hit = state.files.overlap(with: name) {
            return Conflict(zone: hit.zone, owner: .file(hit.value.path(origin: hit.zone)), overlap: hit.overlap)
        }
        if let catalog = state.catalog {
            if name.isSubdomain(of: catalog) {
                return Conflict(zone: catalog, owner: .catalog, overlap: name == catalog ? .same : .below)
            }
            if catalog.isSubdomain(of: name) { return Conflict(zone: catalog, owner: .catalog, overlap: .above) }
        }
        return nil
    }

    /// A zone file's path as the claims keep it. A file named as its zone (`<name>.zone`, the name lowercased and
    /// without its final dot) keeps the folder's string, one for every such file of the folder, rather than a path
    /// of its own: a hundred thousand paths were a twentieth of the memory of as many zones.
    private enum FilePath: Sendable {
        case named(folder: String)
        case other(String)

        /// `path` of the zone `origin` (lowercased); `folder` is the folder of the file before, whose string a
        /// file of the same folder shares.
        init(_ path: String, origin: Name, folder: inout String?) {
            let fileName = Self.fileName(origin)
            guard path.hasSuffix(fileName) else {
                self = .other(path)
                return
            }
            let prefix = path.dropLast(fileName.count)
            if folder.map({ $0 != prefix }) ?? true { folder = String(prefix) }
            self = .named(folder: folder!)
        }

        /// The path, of the zone `origin` (lowercased).
        func path(origin: Name) -> String {
            switch self {
            case .named(let folder): folder + Self.fileName(origin)
            case .other(let path): path
            }
        }

        /// `<name>.zone`.
        private static func fileName(_ origin: Name) -> String {
            let text = origin.description
            return (text == "." ? text : String(text.dropLast())) + ".zone"
        }
    }
}
