import ArgumentParser

/// `wistdns`: the authoritative DNS server of Wistfare Mail and its tools.
struct WistDNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wistdns",
        abstract: "Authoritative DNS server for mail domains.",
        subcommands: [ServeCommand.self, CheckZoneCommand.self]
    )
}
