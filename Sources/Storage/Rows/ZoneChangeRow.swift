import Foundation
import GRDB

/// One row of `zone_journal`: a change from one version of a generated zone to the next.
public struct ZoneChangeRow: Codable, Equatable, Sendable, FetchableRecord {
    /// The serial the change starts from.
    public var fromSerial: Int64
    /// The serial the change leads to.
    public var toSerial: Int64
    /// The records taken away, in DNS wire form (no SOA).
    public var removed: Data
    /// The records added, in DNS wire form (no SOA).
    public var added: Data
    /// How many records an IXFR sends for this change (removed and added, plus the two SOAs).
    public var recordCount: Int
    /// Milliseconds since 1970-01-01 UTC.
    public var createdAt: Int64

    public init(fromSerial: UInt32, toSerial: UInt32, removed: Data, added: Data, recordCount: Int,
                createdAt: Int64) {
        self.fromSerial = Int64(fromSerial)
        self.toSerial = Int64(toSerial)
        self.removed = removed
        self.added = added
        self.recordCount = recordCount
        self.createdAt = createdAt
    }

    /// The changes of `journal` (oldest first) that lead from `version` to the zone's last version: the ones
    /// written since `version` was, each starting where the one before ended. Empty when `version` is the last.
    public static func changes(after version: ZoneVersionRow, in journal: [ZoneChangeRow]) -> ArraySlice<ZoneChangeRow> {
        guard let first = journal.lastIndex(where: { $0.fromSerial == version.serial }) else { return [] }
        var end = first + 1
        while end < journal.endIndex, journal[end].fromSerial == journal[end - 1].toSerial { end += 1 }
        return journal[first ..< end]
    }

    enum CodingKeys: String, CodingKey {
        case removed, added
        case fromSerial = "from_serial"
        case toSerial = "to_serial"
        case recordCount = "record_count"
        case createdAt = "created_at"
    }
}
