import GRDB

/// One row of `dkim_keys`: a DKIM key pair of a domain, under one selector.
public struct DKIMKeyRow: Codable, Equatable, Sendable {
    /// The owning domain's `id`; the key goes when the domain does.
    public var domainID: String
    /// The selector (`selector._domainkey.example.com`); unique per domain.
    public var selector: String
    /// `rsa` or `ed25519`: the DKIM `k=` tag.
    public var algorithm: String
    /// The private key, PKCS#8 PEM.
    public var privateKeyPEM: String
    /// The DKIM `p=` value (base64).
    public var publicKey: String
    /// Milliseconds since 1970-01-01 UTC.
    public var createdAt: Int64
    /// Where the key is in its life: published, active or retired.
    public var state: DKIMKeyState
    /// When it entered that state (ms), if it changed since the key was made.
    public var stateSince: Int64?

    /// A row with every field given; a new key is active unless said otherwise.
    public init(
        domainID: String, selector: String, algorithm: String, privateKeyPEM: String, publicKey: String,
        createdAt: Int64, state: DKIMKeyState = .active, stateSince: Int64? = nil
    ) {
        self.domainID = domainID
        self.selector = selector
        self.algorithm = algorithm
        self.privateKeyPEM = privateKeyPEM
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.state = state
        self.stateSince = stateSince
    }

    enum CodingKeys: String, CodingKey {
        case domainID = "domain_id"
        case selector, algorithm
        case privateKeyPEM = "private_key_pem"
        case publicKey = "public_key"
        case createdAt = "created_at"
        case state
        case stateSince = "state_since"
    }
}

extension DKIMKeyRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dkim_keys"

    /// Reads the columns by name, without the Codable decoder (a start reads every row).
    public init(row: Row) throws {
        self.init(domainID: try row.decode(forColumn: "domain_id"), selector: try row.decode(forColumn: "selector"),
                  algorithm: try row.decode(forColumn: "algorithm"),
                  privateKeyPEM: try row.decode(forColumn: "private_key_pem"),
                  publicKey: try row.decode(forColumn: "public_key"), createdAt: try row.decode(forColumn: "created_at"),
                  state: try row.decode(forColumn: "state"), stateSince: try row.decode(forColumn: "state_since"))
    }
}
