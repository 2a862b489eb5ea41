import AdminAPI
import ArgumentParser
import Foundation
import Storage

/// `wistdns dkim export`: the domains' signing keys in the files OpenDKIM or Rspamd read.
struct DKIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "Export the domains' DKIM keys for the mail servers that sign.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every domain's signing key and the signer's tables into a folder.",
            discussion: """
                opendkim: KeyTable and SigningTable (KeyTable file:DIR/KeyTable, SigningTable file:DIR/SigningTable); \
                rspamd: dkim_selectors.map and dkim_paths.map (dkim_signing's selector_map and path_map). Both with \
                keys/<domain>/<selector>.private, mode 0600. Running it again (after an add, a delete or a rotation) \
                updates the folder in place: each file is written aside and renamed over the old one, and the key \
                files of domains that are gone are removed.
                """
        )

        @OptionGroup var location: KeysCommand.Location

        @Option(name: .long, help: "opendkim or rspamd.")
        var format: String

        @Argument(help: "The folder to write, as the signer reads it (created with mode 0700).")
        var directory: String

        func run() throws {
            guard let format = SignerExport.Format(rawValue: format) else {
                throw ValidationError("--format is opendkim or rspamd")
            }
            let folder = URL(fileURLWithPath: directory).standardizedFileURL
            let keys = try DomainService.signingKeys(database: location.open())
            let files = SignerExport.files(format, keys: keys, directory: folder.path)
            try ExportFolder(root: folder).replace(with: files)
            printError("wrote \(keys.count) signing keys and the \(format.rawValue) tables to \(folder.path)")
        }
    }
}
