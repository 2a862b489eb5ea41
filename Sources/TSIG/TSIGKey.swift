import DNSWire

/// A shared TSIG key: its name, its algorithm and its secret. The secret is never shown: `description`,
/// `debugDescription` and the mirror that `dump` and `print` use give the name and the algorithm only.
public struct TSIGKey: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key's name, as configured (compared without regard to case).
    public let name: Name
    public let algorithm: TSIGAlgorithm
    /// The shared secret. Not public: nothing outside this module needs to read it.
    let secret: [UInt8]

    /// A key with a non-empty secret.
    public init(name: Name, algorithm: TSIGAlgorithm, secret: [UInt8]) throws(TSIGKeyError) {
        guard !secret.isEmpty else { throw TSIGKeyError("TSIG key \(name): the secret is empty") }
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// Reads `NAME:ALGORITHM:BASE64SECRET`, e.g. `transfer.example.:hmac-sha256:c2VjcmV0...`. The name may
    /// leave out the trailing dot; the algorithm is one of `TSIGAlgorithm`'s mnemonics. Error messages never
    /// repeat the secret.
    public init(spec: String) throws(TSIGKeyError) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw TSIGKeyError("a TSIG key is NAME:ALGORITHM:BASE64SECRET (got \(parts.count) field\(parts.count == 1 ? "" : "s") separated by ':')")
        }
        let nameText = parts[0].hasSuffix(".") ? parts[0] : parts[0] + "."
        let name: Name
        do {
            name = try Name(nameText)
        } catch {
            throw TSIGKeyError("TSIG key name '\(parts[0])' is not a domain name (\(error))")
        }
        guard !name.isRoot else { throw TSIGKeyError("a TSIG key needs a name") }
        guard let algorithm = TSIGAlgorithm(mnemonic: parts[1]) else {
            let known = TSIGAlgorithm.allCases.map(\.mnemonic).joined(separator: ", ")
            throw TSIGKeyError("TSIG key \(name): unknown algorithm '\(parts[1])' (known: \(known))")
        }
        guard let secret = Base64.decode(parts[2]) else {
            throw TSIGKeyError("TSIG key \(name): the secret is not valid base64")
        }
        try self.init(name: name, algorithm: algorithm, secret: secret)
    }

    public var description: String { "\(name) (\(algorithm))" }
    public var debugDescription: String { "TSIGKey(\(description))" }
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "algorithm": algorithm]) }
}

/// A key spec or keyring that cannot be used, with a message fit for an operator.
public struct TSIGKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
