import ArgumentParser

/// `wistdns`: the authoritative DNS server of Wistfare Mail and its tools.
@main
struct WistDNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wistdns",
        abstract: "Authoritative DNS server and domains API for mail domains.",
        subcommands: [ServeCommand.self, CheckZoneCommand.self, KeysCommand.self, DKIMCommand.self, ExportCommand.self]
    )
}
