/// The DKIM keys of every domain in the files the signers of mail servers read: OpenDKIM's `KeyTable` and
/// `SigningTable`, or Rspamd's `dkim_signing` selector and path maps, beside one private key file per domain and
/// selector (mode 0600). Pure: `wistdns dkim export` writes the files, `GET /api/v1/dkim/export` returns them.
public enum SignerExport {
    /// A signer's configuration format.
    public enum Format: String, CaseIterable, Sendable {
        /// OpenDKIM: `KeyTable`, `SigningTable` (`KeyTable file:DIR/KeyTable`, `SigningTable file:DIR/SigningTable`).
        case opendkim
        /// Rspamd's `dkim_signing` module: `dkim_selectors.map` and `dkim_paths.map` (`selector_map`, `path_map`).
        case rspamd
    }

    /// One key a signer uses: the domain, the selector it is published under, and the private key.
    public struct SigningKey: Sendable, Equatable {
        public let domain: String
        public let selector: String
        /// PKCS#8 PEM.
        public let privateKeyPEM: String

        public init(domain: String, selector: String, privateKeyPEM: String) {
            self.domain = domain
            self.selector = selector
            self.privateKeyPEM = privateKeyPEM
        }

        /// `keys/<domain>/<selector>.private`, relative to the export folder.
        var keyPath: String { "keys/\(domain)/\(selector).private" }
    }

    /// One file to write: its path relative to the export folder, its mode, and its text.
    public struct File: Sendable, Equatable {
        public let path: String
        public let mode: Int
        public let contents: String

        public init(path: String, mode: Int, contents: String) {
            self.path = path
            self.mode = mode
            self.contents = contents
        }
    }

    /// The files of `format` for `keys`, with the tables naming the key files under `directory` (the absolute
    /// folder the signer reads them from). Tables list the domains in name order and a domain's keys in the order
    /// given (its RSA key first): OpenDKIM gets a line for each key (it signs with all of them under
    /// `MultipleSignatures yes`); Rspamd's maps hold one key per domain, the first.
    public static func files(_ format: Format, keys: [SigningKey], directory: String) -> [File] {
        let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let sorted = keys.enumerated().sorted { ($0.element.domain, $0.offset) < ($1.element.domain, $1.offset) }
            .map(\.element)
        let keyFiles = sorted.map { File(path: $0.keyPath, mode: 0o600, contents: $0.privateKeyPEM) }
        func table(_ line: (SigningKey) -> String) -> String { sorted.map { line($0) + "\n" }.joined() }
        func firstPerDomain(_ line: (SigningKey) -> String) -> String {
            var seen = Set<String>()
            return sorted.filter { seen.insert($0.domain).inserted }.map { line($0) + "\n" }.joined()
        }
        switch format {
        case .opendkim:
            return keyFiles + [
                File(path: "KeyTable", mode: 0o644, contents: table {
                    "\($0.selector)._domainkey.\($0.domain) \($0.domain):\($0.selector):\(folder)/\($0.keyPath)"
                }),
                File(path: "SigningTable", mode: 0o644, contents: table { "\($0.domain) \($0.selector)._domainkey.\($0.domain)" }),
            ]
        case .rspamd:
            return keyFiles + [
                File(path: "dkim_selectors.map", mode: 0o644, contents: firstPerDomain { "\($0.domain) \($0.selector)" }),
                File(path: "dkim_paths.map", mode: 0o644,
                     contents: firstPerDomain { "\($0.domain) \(folder)/\($0.keyPath)" }),
            ]
        }
    }
}
