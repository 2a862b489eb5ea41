import DNSWire

/// The keys a server knows, found by name without regard to case.
public struct TSIGKeyring: Sendable, CustomStringConvertible {
    /// Keys by lowercased name.
    private let keys: [Name: TSIGKey]

    /// An empty keyring: every signed request is answered with BADKEY.
    public init() { keys = [:] }

    /// A keyring of `keys`. Throws when two keys have the same name (in any case).
    public init(_ keys: [TSIGKey]) throws(TSIGKeyError) {
        var byName: [Name: TSIGKey] = [:]
        for key in keys {
            let lookup = key.name.lowercased()
            guard byName[lookup] == nil else { throw TSIGKeyError("TSIG key \(key.name) is configured twice") }
            byName[lookup] = key
        }
        self.keys = byName
    }

    /// The key named `name`, compared without regard to case.
    public subscript(name: Name) -> TSIGKey? { keys[name.lowercased()] }

    public var isEmpty: Bool { keys.isEmpty }

    /// Every key, in canonical order of their names.
    public var all: [TSIGKey] { keys.values.sorted { $0.name < $1.name } }

    /// The key names and algorithms, never the secrets.
    public var description: String { "[" + all.map(\.description).joined(separator: ", ") + "]" }
}
