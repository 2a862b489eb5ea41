import DNSWire

/// A zone read from a master file and checked: every record is at or below `origin`, there is one SOA at the
/// apex and at least one NS there, duplicates are gone and each RRset has a single TTL.
public struct ParsedZone: Sendable {
    /// The zone's apex.
    public let origin: Name
    /// The records in file order (the order of first appearance, after removing duplicates).
    public let records: [Record]
    /// The path (or label) of the master file the zone came from.
    public let file: String
    /// Problems that did not stop the zone from loading, such as an RRset whose TTLs differ
    /// (`named-checkzone` warns "TTL set to prior TTL" and so does this parser).
    public let warnings: [ZoneFileError]

    /// Creates a parsed zone.
    public init(origin: Name, records: [Record], file: String, warnings: [ZoneFileError] = []) {
        self.origin = origin
        self.records = records
        self.file = file
        self.warnings = warnings
    }
}
