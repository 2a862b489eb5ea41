import DNSWire

/// Loads a folder of master files, one zone per `*.zone` file.
public enum ZoneFolder {
    /// Loads every `*.zone` file in a folder (not recursive). The zone's origin is the file name without `.zone`
    /// (e.g. `wistfare.net.zone` -> `wistfare.net.`); `$ORIGIN` inside the file only changes the relative-name
    /// origin as usual. `$INCLUDE` paths are relative to the folder (give included files another extension).
    /// A bad file is reported and skipped; the other zones still load. Zones are sorted by origin.
    ///
    /// `map` parses the files (each path given to the function it is passed) and returns the results in the
    /// paths' order: one after the other by default, or on every core.
    public static func load(
        directory: String,
        map: ([String], @Sendable (String) -> Result<ParsedZone, ZoneFileErrors>) -> [Result<ParsedZone, ZoneFileErrors>]
            = { paths, parse in paths.map(parse) }
    ) -> (zones: [ParsedZone], errors: [ZoneFileError]) {
        load(directory: directory, origin: \.origin, map: map)
    }

    /// `load`, with `map` making what the caller keeps of each file from its parse (a caller that builds a zone
    /// from each file's records, and drops them, as the files are read keeps the heap from holding every
    /// file's records at once); sorted by `origin`.
    public static func load<Loaded>(
        directory: String, origin: (Loaded) -> Name,
        map: ([String], @Sendable (String) -> Result<ParsedZone, ZoneFileErrors>) -> [Result<Loaded, ZoneFileErrors>]
    ) -> (zones: [Loaded], errors: [ZoneFileError]) {
        guard let names = FileSystem.list(directory) else {
            return ([], [ZoneFileError(file: directory, line: 0, message: unlistableMessage)])
        }
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        let paths = names.sorted().filter { $0.hasSuffix(".zone") }.map { folder + $0 }.filter { !FileSystem.isDirectory($0) }
        var zones: [Loaded] = []
        var errors: [ZoneFileError] = []
        for result in map(paths, { path in
            do throws(ZoneFileError) {
                return ZoneFileParser.parse(file: path, origin: try ZoneFolder.origin(forFile: path), includeRoot: directory)
            } catch {
                return .failure(ZoneFileErrors(errors: [error]))
            }
        }) {
            switch result {
            case .success(let zone): zones.append(zone)
            case .failure(let failure): errors += failure.errors
            }
        }
        return (zones.sorted { origin($0) < origin($1) }, errors)
    }

    /// The message of the one error `load` returns when the folder itself cannot be listed (missing, not a folder,
    /// no permission), so that a caller can keep what it loaded before instead of taking the folder as empty.
    public static let unlistableMessage = "cannot list the zone folder"

    /// The zone a file holds, from its name: `zones/wistfare.net.zone` -> `wistfare.net.`.
    public static func origin(forFile path: String) throws(ZoneFileError) -> Name {
        // On the path's octets: a start takes the origin of every file (String splitting was a twentieth of it).
        let octets = Array(path.utf8)
        let fileName = octets[(octets.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0)...]
        let suffix = ".zone".utf8
        let stem = fileName.count >= suffix.count && fileName.suffix(suffix.count).elementsEqual(suffix)
            ? fileName.dropLast(suffix.count) : fileName
        guard !stem.isEmpty,
              let origin = try? Name(presentation: stem.last == UInt8(ascii: ".") ? Array(stem) : stem + [UInt8(ascii: ".")]) else {
            throw ZoneFileError(file: path, line: 0, message: "'\(String(decoding: stem, as: UTF8.self))' is not a valid zone name")
        }
        return origin
    }

    /// The folder a file is in, which its `$INCLUDE` paths are relative to.
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
