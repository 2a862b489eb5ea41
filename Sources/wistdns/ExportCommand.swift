import AdminAPI
import ArgumentParser

/// `wistdns export ZONE`: a generated zone (an API domain's, or the catalog) as a master file on standard
/// output, the version served now with its serial; `named-checkzone` and `wistdns check-zone` read it back.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a generated zone (an API domain's or the catalog) as a master file."
    )

    @OptionGroup var location: KeysCommand.Location

    @Argument(help: "The zone's name, such as example.com.")
    var zone: String

    func run() throws {
        guard let text = try ZoneExport.masterFile(database: location.open(), zone: zone) else {
            printError("\(zone): no generated zone of that name in the database (zone files are master files already)")
            throw ExitCode.failure
        }
        print(text, terminator: "")
    }
}
