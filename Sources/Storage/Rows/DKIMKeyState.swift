import GRDB

/// Where a DKIM key is in its life; stored as the raw value in `dkim_keys.state`.
public enum DKIMKeyState: String, Codable, CaseIterable, Sendable {
    /// In DNS, not yet the one signers use: a rotation waits for the world to serve it.
    case published
    /// The key signers use.
    case active
    /// Replaced: published with an empty `p=` (RFC 6376 section 3.6.1) until it is removed.
    case retired
}

extension DKIMKeyState: DatabaseValueConvertible {}
