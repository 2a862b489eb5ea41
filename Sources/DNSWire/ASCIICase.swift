/// ASCII case folding as DNS names compare (RFC 4343): only the octets A-Z change; every other octet, bytes of
/// UTF-8 included, is left as it is. The one fold the codec uses (names, compression, hashing, ordering).
enum ASCIICase {
    /// Whether `byte` is one of A-Z (then `byte | 0x20` is its lower case).
    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    /// True when any of `octets` is A-Z: eight at a time (a query's name is looked at on every query, and is
    /// nearly always lowercase already).
    static func containsUpper(_ octets: UnsafeRawBufferPointer) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= octets.count {
            let word = octets.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Per octet below 0x80 (no carry between octets once the top bits are cleared): at least 0x41, and
            // not above 0x5A.
            let low = word & ~high
            if (low &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low &+ 0x2525_2525_2525_2525) & ~word & high != 0 { return true }
            offset += 8
        }
        while offset < octets.count {
            if isUpper(octets[offset]) { return true }
            offset += 1
        }
        return false
    }

    /// `byte` with A-Z folded to a-z.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
}
