/// The Error field of a TSIG record (RFC 8945 section 4.2 and its IANA registry). An open set: other values
/// survive a round trip.
public struct TSIGErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = TSIGErrorCode(rawValue: 0)
    /// The MAC did not verify.
    public static let badSig = TSIGErrorCode(rawValue: 16)
    /// The key or its algorithm is not known.
    public static let badKey = TSIGErrorCode(rawValue: 17)
    /// The time signed is outside the fudge window.
    public static let badTime = TSIGErrorCode(rawValue: 18)
    /// The MAC was truncated below what the receiver accepts.
    public static let badTrunc = TSIGErrorCode(rawValue: 22)

    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .badSig: "BADSIG"
        case .badKey: "BADKEY"
        case .badTime: "BADTIME"
        case .badTrunc: "BADTRUNC"
        default: "TSIG error \(rawValue)"
        }
    }
}
