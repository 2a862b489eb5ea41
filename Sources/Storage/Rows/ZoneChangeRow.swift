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

    /// The changes of `journal` (oldest first) that lead from `version` to the zone's last version: the newest
    /// change and those before it, each ending where the next starts, back to one that starts at `version`'s
    /// serial. Empty when there is no such chain (`version` is the last).
    public static func changes(after version: ZoneVersionRow, in journal: [ZoneChangeRow]) -> ArraySlice<ZoneChangeRow> {
        changes(afterSerial: version.serial, in: journal)
    }

    /// The same for the version of serial `serial`.
    public static func changes(afterSerial serial: Int64, in journal: [ZoneChangeRow]) -> ArraySlice<ZoneChangeRow> {
        journal.suffix(chainLength(newestFirst: journal.reversed().lazy.map { ($0.fromSerial, $0.toSerial) },
                                   from: serial))
    }

    /// How many of the newest changes (given newest first as serial pairs) lead from `serial` to the last version.
    static func chainLength(newestFirst changes: some Sequence<(from: Int64, to: Int64)>, from serial: Int64) -> Int {
        var length = 0
        var expected: Int64?
        for change in changes {
            guard expected == nil || change.to == expected else { return 0 }
            length += 1
            if change.from == serial { return length }
            expected = change.from
        }
        return 0
    }

    enum CodingKeys: String, CodingKey {
        case removed, added
        case fromSerial = "from_serial"
        case toSerial = "to_serial"
        case recordCount = "record_count"
        case createdAt = "created_at"
    }
}
