import AdminAPI
import ArgumentParser
import Storage
import Platform

/// `wistdns keys create|list|revoke`: manage the API keys of the domains API.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Where the database is.
    struct Location: ParsableArguments {
        @Option(name: .long, help: "SQLite database file (default \(defaultDatabasePath)).")
        var db: String?

        @Option(name: .long, help: "JSON configuration file, for its `db` setting.")
        var config: String?

        func open() throws -> Database {
            try Database(path: db ?? ConfigFile.load(config).db ?? defaultDatabasePath)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")

        @OptionGroup var location: Location

        @Option(name: .long, help: "A name to recognise the key by.")
        var name: String

        @Option(name: .long, help: "A scope the key grants: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")) (repeatable).")
        var scope: [String]

        func run() throws {
            let issued = try APIKeyIssuer(database: location.open()).create(name: name, scopes: scope)
            print(issued.key)
            printError("created \(issued.row.id) (\(issued.row.name), \(issued.row.scopes)); the key is shown only now")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves).")

        @OptionGroup var location: Location

        func run() throws {
            for key in try location.open().apiKeys() {
                let state = key.revokedAt == nil ? "active" : "revoked"
                let used = key.lastUsedAt.map { "last used \(Timestamp.iso8601(milliseconds: $0))" } ?? "never used"
                print("\(key.id)\t\(key.prefix)…\t\(key.name)\t\(key.scopes)\t\(state)\t"
                    + "created \(Timestamp.iso8601(milliseconds: key.createdAt))\t\(used)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (key_...).")

        @OptionGroup var location: Location

        @Argument(help: "The key's id, as `keys list` shows it.")
        var id: String

        func run() throws {
            guard try location.open().revokeAPIKey(id: id, at: SystemClock.wallMilliseconds()) else {
                printError("no active key \(id)")
                throw ExitCode.failure
            }
            print("revoked \(id)")
        }
    }
}
