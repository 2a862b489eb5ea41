import GRDB

/// One row of `domains`: a sending domain and the state of its verification.
public struct DomainRow: Codable, Equatable, Sendable {
    /// `dom_...`
    public var id: String
    /// The domain name, lowercase ASCII (A-labels); unique without regard to case.
    public var name: String
    /// Where verification stands.
    public var status: DomainStatus
    /// Whether the last check found the expected MX record.
    public var mxVerified: Bool
    /// Whether the last check found the expected SPF record.
    public var spfVerified: Bool
    /// Whether the last check found the expected DKIM record.
    public var dkimVerified: Bool
    /// Whether the last check found the expected DMARC record.
    public var dmarcVerified: Bool
    /// The zone's SOA serial. `Database.insertDomain` assigns it; the value passed in is ignored.
    public var serial: UInt32
    /// Milliseconds since 1970-01-01 UTC, like every timestamp in the rows.
    public var createdAt: Int64
    /// When the row last changed (verification results, a new serial).
    public var updatedAt: Int64
    /// When verification last ran, if ever.
    public var lastCheckedAt: Int64?

    /// A row with every field given; the verification flags default to false.
    public init(
        id: String, name: String, status: DomainStatus = .pending,
        mxVerified: Bool = false, spfVerified: Bool = false, dkimVerified: Bool = false, dmarcVerified: Bool = false,
        serial: UInt32 = 0, createdAt: Int64, updatedAt: Int64, lastCheckedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.mxVerified = mxVerified
        self.spfVerified = spfVerified
        self.dkimVerified = dkimVerified
        self.dmarcVerified = dmarcVerified
        self.serial = serial
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastCheckedAt = lastCheckedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, status
        case mxVerified = "mx_verified"
        case spfVerified = "spf_verified"
        case dkimVerified = "dkim_verified"
        case dmarcVerified = "dmarc_verified"
        case serial
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastCheckedAt = "last_checked_at"
    }
}

extension DomainRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "domains"

    /// Reads the columns by name, without the Codable decoder (a start reads every row: it cost 7% of a restart).
    public init(row: Row) throws {
        self.init(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"),
                  status: try row.decode(forColumn: "status"),
                  mxVerified: try row.decode(forColumn: "mx_verified"),
                  spfVerified: try row.decode(forColumn: "spf_verified"),
                  dkimVerified: try row.decode(forColumn: "dkim_verified"),
                  dmarcVerified: try row.decode(forColumn: "dmarc_verified"),
                  serial: try row.decode(forColumn: "serial"), createdAt: try row.decode(forColumn: "created_at"),
                  updatedAt: try row.decode(forColumn: "updated_at"),
                  lastCheckedAt: try row.decode(forColumn: "last_checked_at"))
    }

    /// The columns `init(selected:)` reads, in its order: `SELECT \(DomainRow.selection) FROM domains`.
    static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// A row of the columns of `selection`, read by position: a start reads every domain, and finding eleven
    /// columns by name on each row was a third of that read.
    init(selected row: Row) throws {
        self.init(id: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1), status: try row.decode(atIndex: 2),
                  mxVerified: try row.decode(atIndex: 3), spfVerified: try row.decode(atIndex: 4),
                  dkimVerified: try row.decode(atIndex: 5), dmarcVerified: try row.decode(atIndex: 6),
                  serial: try row.decode(atIndex: 7), createdAt: try row.decode(atIndex: 8),
                  updatedAt: try row.decode(atIndex: 9), lastCheckedAt: try row.decode(atIndex: 10))
    }
}
