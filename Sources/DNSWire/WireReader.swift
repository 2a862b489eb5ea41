/// A bounds-checked cursor over a DNS message. Every read throws `WireError` instead of trapping
/// when the input runs short.
public struct WireReader {
    /// The whole message: compression pointers are resolved against it.
    public let message: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public var offset: Int

    /// Creates a reader over `message` starting at `offset`.
    public init(_ message: UnsafeRawBufferPointer, offset: Int = 0) {
        self.message = message
        self.offset = offset
    }

    /// Bytes left after the current offset.
    public var remaining: Int { message.count - offset }

    /// Reads one octet.
    public mutating func readUInt8(_ field: String) throws(WireError) -> UInt8 {
        guard offset < message.count else { throw WireError(.truncated, field: field, offset: offset) }
        defer { offset += 1 }
        return message[offset]
    }

    /// Reads a big-endian 16-bit value.
    public mutating func readUInt16(_ field: String) throws(WireError) -> UInt16 {
        guard offset + 2 <= message.count else { throw WireError(.truncated, field: field, offset: offset) }
        defer { offset += 2 }
        return UInt16(message[offset]) << 8 | UInt16(message[offset + 1])
    }

    /// Reads a big-endian 32-bit value.
    public mutating func readUInt32(_ field: String) throws(WireError) -> UInt32 {
        guard offset + 4 <= message.count else { throw WireError(.truncated, field: field, offset: offset) }
        defer { offset += 4 }
        return UInt32(message[offset]) << 24 | UInt32(message[offset + 1]) << 16
            | UInt32(message[offset + 2]) << 8 | UInt32(message[offset + 3])
    }

    /// Reads `count` octets.
    public mutating func readBytes(_ count: Int, _ field: String) throws(WireError) -> [UInt8] {
        guard count >= 0, offset + count <= message.count else {
            throw WireError(.truncated, field: field, offset: offset)
        }
        defer { offset += count }
        return Array(message[offset ..< offset + count])
    }

    /// Advances past `count` octets.
    public mutating func skip(_ count: Int, _ field: String) throws(WireError) {
        guard count >= 0, offset + count <= message.count else {
            throw WireError(.truncated, field: field, offset: offset)
        }
        offset += count
    }

    /// Reads a possibly compressed domain name. Pointers must point strictly backwards, at most
    /// `Name.maxPointerHops` of them are followed, labels are at most 63 octets and the name at most 255.
    public mutating func readName(_ field: String) throws(WireError) -> Name {
        // A name without a pointer (every question's) is copied in one piece once its labels are known to end
        // inside the message and within 255 octets; the loop below reads the others, and says what is wrong.
        var end = offset
        while end < message.count, end - offset < Name.maxWireLength {
            let length = Int(message[end])
            guard length & 0xC0 == 0 else { break }
            if length == 0 {
                let name = Name(uncheckedWire: Array(UnsafeRawBufferPointer(rebasing: message[offset ... end])))
                offset = end + 1
                return name
            }
            end += 1 + length
        }
        var wire: [UInt8] = []
        wire.reserveCapacity(32)
        var position = offset
        var hops = 0
        var endOfName: Int? = nil
        // The lowest offset a pointer may target: strictly before the start of the last followed label run.
        var pointerLimit = offset
        while true {
            guard position < message.count else { throw WireError(.truncated, field: field, offset: position) }
            let length = message[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    wire.append(0)
                    if endOfName == nil { endOfName = position + 1 }
                    offset = endOfName!
                    return Name(uncheckedWire: wire)
                }
                let labelEnd = position + 1 + Int(length)
                guard labelEnd <= message.count else { throw WireError(.truncated, field: field, offset: position) }
                guard wire.count + Int(length) + 2 <= Name.maxWireLength else {
                    throw WireError(.nameTooLong, field: field, offset: position)
                }
                wire.append(length)
                wire.append(contentsOf: UnsafeRawBufferPointer(rebasing: message[(position + 1) ..< labelEnd]))
                position = labelEnd
            case 0xC0:
                guard position + 1 < message.count else { throw WireError(.truncated, field: field, offset: position) }
                let target = Int(length & 0x3F) << 8 | Int(message[position + 1])
                if endOfName == nil { endOfName = position + 2 }
                hops += 1
                guard target < pointerLimit, hops <= Name.maxPointerHops else {
                    throw WireError(.badPointer, field: field, offset: position)
                }
                pointerLimit = target
                position = target
            default:
                throw WireError(.badLabel, field: field, offset: position)
            }
        }
    }
}
