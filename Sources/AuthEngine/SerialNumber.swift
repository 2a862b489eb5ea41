/// A zone serial with RFC 1982 serial number arithmetic (SERIAL_BITS = 32).
public struct SerialNumber: Sendable, Hashable {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// True when this serial is greater than `other` in RFC 1982 terms (section 3.2): the wrapped distance
    /// from `other` is between 1 and 2^31 - 1. Serials exactly 2^31 apart are undefined and compare as not newer.
    public func isNewer(than other: UInt32) -> Bool {
        let distance = value &- other
        return distance != 0 && distance < 1 << 31
    }
}
