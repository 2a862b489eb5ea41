/// How much of a zone's change history is kept for IXFR. Past these bounds a secondary that is further behind
/// gets the whole zone instead, which then costs no more than the changes would.
public struct JournalLimits: Sendable, Equatable {
    /// The most changes kept per zone.
    public var maxChanges: Int
    /// The most records (removed, added and SOAs over all kept changes) kept per zone, when the zone itself is
    /// smaller; a larger zone may keep as many change records as it has records.
    public var minRecordBudget: Int

    public init(maxChanges: Int = 64, minRecordBudget: Int = 256) {
        self.maxChanges = maxChanges
        self.minRecordBudget = minRecordBudget
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
