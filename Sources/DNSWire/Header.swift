/// The fixed 12-octet message header (RFC 1035 section 4.1.1).
public struct Header: Hashable, Sendable {
    /// The size of the header on the wire.
    public static let size = 12

    public var id: UInt16
    /// The second 16-bit word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the low 4 bits of the RCODE.
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(id: UInt16 = 0, flags: UInt16 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// Reads a header from the start of `bytes`, or nil when fewer than 12 octets are there.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Header.size else { return nil }
        func word(_ index: Int) -> UInt16 { UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]) }
        self.init(id: word(0), flags: word(2), questionCount: word(4), answerCount: word(6),
                  authorityCount: word(8), additionalCount: word(10))
    }

    public static let qrBit: UInt16 = 0x8000
    public static let aaBit: UInt16 = 0x0400
    public static let tcBit: UInt16 = 0x0200
    public static let rdBit: UInt16 = 0x0100
    public static let raBit: UInt16 = 0x0080
    public static let adBit: UInt16 = 0x0020
    public static let cdBit: UInt16 = 0x0010

    public var isResponse: Bool {
        get { flags & Header.qrBit != 0 }
        set { set(Header.qrBit, newValue) }
    }
    public var isAuthoritative: Bool {
        get { flags & Header.aaBit != 0 }
        set { set(Header.aaBit, newValue) }
    }
    public var isTruncated: Bool {
        get { flags & Header.tcBit != 0 }
        set { set(Header.tcBit, newValue) }
    }
    public var recursionDesired: Bool {
        get { flags & Header.rdBit != 0 }
        set { set(Header.rdBit, newValue) }
    }
    public var recursionAvailable: Bool {
        get { flags & Header.raBit != 0 }
        set { set(Header.raBit, newValue) }
    }
    public var opcode: Opcode {
        get { Opcode(UInt8((flags >> 11) & 0x0F)) }
        set { flags = (flags & ~0x7800) | (UInt16(newValue.rawValue) << 11) }
    }
    /// The low four bits of the response code.
    public var rcodeLow: UInt8 {
        get { UInt8(flags & 0x000F) }
        set { flags = (flags & ~0x000F) | UInt16(newValue & 0x0F) }
    }

    private mutating func set(_ bit: UInt16, _ on: Bool) {
        if on { flags |= bit } else { flags &= ~bit }
    }

    /// Appends the 12 header octets to `bytes`.
    public func write(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: Header.size, alignment: 2) { octets in
            write(to: octets.baseAddress!)
            bytes.append(contentsOf: UnsafeRawBufferPointer(octets))
        }
    }

    /// Stores the 12 header octets at `start` (`MessageWriter` writes its header so, in place).
    func write(to start: UnsafeMutableRawPointer) {
        for (index, word) in [id, flags, questionCount, answerCount, authorityCount, additionalCount].enumerated() {
            start.storeBytes(of: word.bigEndian, toByteOffset: 2 * index, as: UInt16.self)
        }
    }
}
