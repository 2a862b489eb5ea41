import DNSWire

/// The first 32 octets of a lowercased origin's wire form, zero-padded, and its length: kept in the `Zone` object
/// itself, so that finding a zone compares a name with its origin in the one cache line the zone's table slot
/// leads to, instead of reading the origin's own buffer (one more cache miss for every query). Longer origins
/// are compared with `Zone.origin`.
struct OriginKey: Sendable {
    /// The longest origin held whole.
    static let capacity = 32

    private let words: (UInt64, UInt64, UInt64, UInt64)
    /// The origin's length in octets (up to 255).
    let count: UInt8

    /// The key of `wire`, a lowercased name's wire form.
    init(_ wire: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: wire.prefix(Self.capacity)))
        }
        self.words = words
        count = UInt8(wire.count)
    }

    /// True when the keys are of the same octets, or (past `capacity` octets) of the same length and first octets.
    func matches(_ other: OriginKey) -> Bool {
        count == other.count && words.0 == other.words.0 && words.1 == other.words.1 && words.2 == other.words.2
            && words.3 == other.words.3
    }

    /// True when the key holds every octet of its origin.
    var isWhole: Bool { Int(count) <= Self.capacity }
}
