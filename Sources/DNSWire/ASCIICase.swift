/// ASCII case folding as DNS names compare (RFC 4343): only the octets A-Z change; every other octet, bytes of
/// UTF-8 included, is left as it is. The one fold the codec uses (names, compression, hashing, ordering).
enum ASCIICase {
    /// Whether `byte` is one of A-Z (then `byte | 0x20` is its lower case).
    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    /// `byte` with A-Z folded to a-z.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
}
