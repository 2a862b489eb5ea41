/// SipHash-2-4 (Aumasson and Bernstein), the keyed hash RFC 9018 builds server cookies with: 128-bit key, 64-bit
/// output. Works on bytes in memory, so callers can hash a stack buffer without allocating.
enum SipHash24 {
    /// The hash of `bytes` under the key `(k0, k1)`, the key's 16 octets read as two little-endian words.
    static func hash(_ bytes: UnsafeRawBufferPointer, k0: UInt64, k1: UInt64) -> UInt64 {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ k0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ k1
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1

        func round() {
            v0 = v0 &+ v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
            v2 = v2 &+ v3; v3 = v3.rotatedLeft(16); v3 ^= v2
            v0 = v0 &+ v3; v3 = v3.rotatedLeft(21); v3 ^= v0
            v2 = v2 &+ v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
        }

        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            var word: UInt64 = 0
            for index in 0 ..< 8 { word |= UInt64(bytes[offset + index]) << (8 * index) }
            v3 ^= word
            round(); round()
            v0 ^= word
            offset += 8
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        for index in 0 ..< count - offset { last |= UInt64(bytes[offset + index]) << (8 * index) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    /// The key of 16 octets in the order they are written (RFC 9018's "Server Secret").
    static func key(_ octets: [UInt8]) -> (k0: UInt64, k1: UInt64) {
        var k0: UInt64 = 0, k1: UInt64 = 0
        for index in 0 ..< 8 {
            k0 |= UInt64(octets[index]) << (8 * index)
            k1 |= UInt64(octets[8 + index]) << (8 * index)
        }
        return (k0, k1)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
