/// How much of a zone's change history is kept for IXFR. Past these bounds a secondary that is further behind
/// gets the whole zone instead, which then costs no more than the changes would.
public struct JournalLimits: Sendable, Equatable {
    /// The most changes kept per zone.
    public var maxChanges: Int
    /// The most records (removed, added and SOAs over all kept changes) kept per zone, when the zone itself is
    /// smaller; a larger zone may keep as many change records as it has records.
    public var minRecordBudget: Int

    /// A change of a zone stores only its journal entry while the changes journaled since the zone's stored
    /// version hold at most this share of the zone's records; past it the whole new version is stored (and the
    /// changes before it may go). A zone is read as its stored version with those changes replayed: a catalog of a
    /// million members is not written whole for each member that comes or goes. A small zone is always stored
    /// whole (one change holds more than its share).
    public var replayShare: Double

    public init(maxChanges: Int = 64, minRecordBudget: Int = 256, replayShare: Double = 1.0 / 16) {
        self.maxChanges = maxChanges
        self.minRecordBudget = minRecordBudget
        self.replayShare = replayShare
    }

    /// Whether a change of `size` records is stored with the whole new version of `zoneRecords` records, after
    /// `journaled` records were journaled since the zone's stored version.
    public func storesWhole(size: Int, journaled: Int, zoneRecords: Int) -> Bool {
        Double(journaled + size) > replayShare * Double(zoneRecords)
    }

    /// How many of the newest changes to keep, given each change's record count (newest first) and the record
    /// count of the zone's current version.
    public func keptCount(newestFirst sizes: [Int], zoneRecords: Int) -> Int {
        let budget = max(zoneRecords, minRecordBudget)
        var total = 0
        var kept = 0
        for size in sizes.prefix(maxChanges) {
            total += size
            if total > budget { break }
            kept += 1
        }
        return kept
    }
}
