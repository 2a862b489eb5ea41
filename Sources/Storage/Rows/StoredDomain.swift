/// A domain as the API shows it: its row, its DKIM keys by selector, and its DKIM rotation in progress, if any,
/// all from one read transaction.
public struct StoredDomain: Sendable, Equatable {
    /// The domain.
    public let row: DomainRow
    /// Its DKIM keys, by selector.
    public let keys: [DKIMKeyRow]
    /// The rotation in progress.
    public let rotation: DKIMRotationRow?

    public init(row: DomainRow, keys: [DKIMKeyRow], rotation: DKIMRotationRow?) {
        self.row = row
        self.keys = keys
        self.rotation = rotation
    }
}
