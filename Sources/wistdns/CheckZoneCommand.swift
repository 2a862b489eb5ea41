import ArgumentParser
import AuthEngine
import DNSWire
import ZoneFile

/// `wistdns check-zone FILE...`: parses master files as `serve` would and reports every error with file and
/// line, like `named-checkzone`. Exits 1 when any file has an error.
struct CheckZoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-zone",
        abstract: "Check master files; the zone's origin is the file name without `.zone`."
    )

    @Option(name: .long, help: "The zone's origin, when the file name does not give it (one file only).")
    var origin: String?

    @Argument(help: "Master files to check.")
    var files: [String]

    func validate() throws {
        if origin != nil && files.count != 1 { throw ValidationError("--origin goes with exactly one file.") }
    }

    func run() throws {
        var failed = false
        for file in files {
            do {
                let zoneOrigin = try origin.map { try Name($0.hasSuffix(".") ? $0 : $0 + ".") }
                    ?? ZoneFolder.origin(forFile: file)
                switch ZoneFileParser.parse(file: file, origin: zoneOrigin, includeRoot: ZoneFolder.folder(of: file)) {
                case .success(let parsed):
                    let zone = try Zone(origin: parsed.origin, records: parsed.records)
                    print("\(file): zone \(zone.origin) loaded, serial \(zone.serial), \(parsed.records.count) records")
                case .failure(let errors):
                    failed = true
                    for error in errors.errors { printError(error.description) }
                }
            } catch {
                failed = true
                printError("\(file): \(error)")
            }
        }
        if failed { throw ExitCode.failure }
    }
}
