/// The 64-bit FNV-1a hash, fed octet by octet: cheap, allocation-free, stable across runs and machines (catalog
/// member ids depend on that). Not keyed: where an attacker picks the input and collisions matter, mix it with a
/// secret before use.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// Adds a 16-bit value, high octet first.
    public mutating func add(_ value: UInt16) {
        add(UInt8(value >> 8))
        add(UInt8(value & 0xFF))
    }
}

extension Name {
    /// Feeds the name's wire form, ASCII letters folded to lowercase, to `hasher`: the same as hashing
    /// `lowercased().wire`, without making that copy.
    public func addCaseFolded(to hasher: inout FNV1a) {
        for byte in wire { hasher.add(ASCIICase.lower(byte)) }
    }
}
