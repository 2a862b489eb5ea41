/// Builds a DNS message into a byte buffer with name compression and a size limit.
///
/// Writes never fail: the writer records whether the limit was passed (`overflowed`) and callers roll back to a
/// `Mark` taken before the record that did not fit, which is how truncation is done (RFC 2181 section 9).
///
/// The octets live in a buffer the writer owns (`MessageBuffer`), copied on write like an array's: a write
/// checks once that the buffer is not shared and has room, then stores its octets in place. Appending to an
/// array octet by octet cost a uniqueness check, a capacity check and a count update for each octet, the
/// largest part of answering a query in user space.
public struct MessageWriter {
    /// The buffer: its first `count` octets are the message so far, and the offsets of compression targets.
    private var storage: MessageBuffer
    /// The number of octets written.
    public private(set) var count = 0
    /// The largest message this writer may produce.
    public var limit: Int
    /// Octets kept free at the end of every message for a record that is added once the message is built (a
    /// TSIG record, RFC 8945): `reset(limit:)` sets the limit this much lower than asked. Zero unless a signer
    /// sets it for one response; the signer sets it back to zero before appending its record.
    public var reserved = 0
    /// Whether names are compressed at all.
    public let compressionEnabled: Bool
    /// How many offsets of names (and their suffixes) already written are kept as compression targets.
    private var targetCount = 0
    /// The wire length of the name written first, right after the header (the question's), while it is in the
    /// message, else 0: most answers are owned by the very name asked, and get a pointer to it without a search.
    private var questionLength = 0

    /// The most compression targets kept.
    static let maxTargets = 255

    /// A point to roll back to.
    public struct Mark {
        fileprivate let size: Int
        fileprivate let targetCount: Int
    }

    /// Creates a writer. `capacity` reserves storage up front so building does not reallocate.
    public init(limit: Int, compression: Bool = true, capacity: Int = 512) {
        self.limit = limit
        self.compressionEnabled = compression
        storage = MessageBuffer(capacity: max(capacity, 64))
    }

    /// Empties the writer, keeping its storage, for the next message of at most `limit` octets less `reserved`.
    public mutating func reset(limit: Int) {
        count = 0
        targetCount = 0
        questionLength = 0
        self.limit = limit - reserved
    }

    /// The message so far, copied into an array (`withUnsafeBytes` reads it in place).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the message so far, in place.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(storage) { try body(UnsafeRawBufferPointer(start: storage.octets, count: count)) }
    }

    /// The octet at `offset` of the message so far.
    public func octet(at offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < count, "offset \(offset) outside a message of \(count) octets")
        return withExtendedLifetime(storage) { storage.octets.load(fromByteOffset: offset, as: UInt8.self) }
    }

    /// True when the message has grown past its limit.
    public var overflowed: Bool { count > limit }

    /// Remembers the current size so a record that does not fit can be removed again.
    public func mark() -> Mark { Mark(size: count, targetCount: targetCount) }

    /// Removes everything written after `mark`.
    public mutating func rollBack(to mark: Mark) {
        count = min(count, mark.size)
        targetCount = min(targetCount, mark.targetCount)
        if mark.size < Header.size + questionLength { questionLength = 0 }
    }

    /// The start of a buffer of this writer's own with room for `size` more octets after `count`: one check of
    /// the buffer for each write, not one for each octet.
    @inline(__always)
    private mutating func octets(room size: Int) -> UnsafeMutableRawPointer {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || storage.capacity - count < size) { grow(size) }
        return storage.octets
    }

    /// A buffer of this writer's own with room for `size` more octets, in place of a shared or full one.
    private mutating func grow(_ size: Int) {
        let capacity = storage.capacity - count >= size ? storage.capacity : max(storage.capacity * 2, count + size)
        storage = storage.copy(count: count, targets: targetCount, capacity: capacity)
    }

    /// Stores `value` big-endian at the end.
    @inline(__always)
    private mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        octets(room: MemoryLayout<Value>.size).storeBytes(of: value.bigEndian, toByteOffset: count, as: Value.self)
        count += MemoryLayout<Value>.size
    }

    public mutating func appendUInt8(_ value: UInt8) { appendBigEndian(value) }

    public mutating func appendUInt16(_ value: UInt16) { appendBigEndian(value) }

    public mutating func appendUInt32(_ value: UInt32) { appendBigEndian(value) }

    public mutating func appendUInt64(_ value: UInt64) { appendBigEndian(value) }

    /// Appends a record's type, class and TTL (or OPT's type, payload size and flags) with one check of the buffer.
    public mutating func appendTypeClassTTL(_ type: UInt16, _ rclass: UInt16, _ ttl: UInt32) {
        let fields = octets(room: 8) + count
        fields.storeBytes(of: type.bigEndian, as: UInt16.self)
        fields.storeBytes(of: rclass.bigEndian, toByteOffset: 2, as: UInt16.self)
        fields.storeBytes(of: ttl.bigEndian, toByteOffset: 4, as: UInt32.self)
        count += 8
    }

    public mutating func append(_ data: [UInt8]) { data.withUnsafeBytes { append($0) } }

    /// Appends part of a byte array (one record of an RRset kept as one buffer, say).
    public mutating func append(_ data: ArraySlice<UInt8>) { data.withUnsafeBytes { append($0) } }

    /// Appends octets that lie elsewhere.
    public mutating func append(_ data: UnsafeRawBufferPointer) {
        guard let source = data.baseAddress, !data.isEmpty else { return }
        (octets(room: data.count) + count).copyMemory(from: source, byteCount: data.count)
        count += data.count
    }

    /// Overwrites a 16-bit value at `offset` (used for counts and RDLENGTH).
    public mutating func patchUInt16(_ value: UInt16, at offset: Int) {
        precondition(offset >= 0 && offset + 2 <= count, "offset \(offset) outside a message of \(count) octets")
        octets(room: 0).storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    /// Writes the 12-octet header at the start of an empty writer.
    public mutating func writeHeader(_ header: Header) {
        header.write(to: octets(room: Header.size) + count)
        count += Header.size
    }

    /// Writes the header's counts into an already written header.
    public mutating func patchCounts(answer: Int, authority: Int, additional: Int) {
        precondition(count >= Header.size, "no header to patch in a message of \(count) octets")
        let counts = octets(room: 0) + 6
        counts.storeBytes(of: UInt16(answer).bigEndian, as: UInt16.self)
        counts.storeBytes(of: UInt16(authority).bigEndian, toByteOffset: 2, as: UInt16.self)
        counts.storeBytes(of: UInt16(additional).bigEndian, toByteOffset: 4, as: UInt16.self)
    }

    /// Writes `name`, replacing its longest suffix already in the message by a pointer when `compress` is set.
    /// Suffixes written in full are remembered as targets for later names.
    public mutating func writeName(_ name: Name, compress: Bool) {
        name.wire.withUnsafeBytes { writeName(wire: $0, compress: compress) }
    }

    private mutating func writeName(wire: UnsafeRawBufferPointer, compress: Bool) {
        let useCompression = compress && compressionEnabled
        // The same octets as the question's name: the pointer the search below would find first (the root is
        // written as its one octet, shorter than a pointer).
        if useCompression, questionLength == wire.count, wire.count > 1,
           withUnsafeBytes({ Name.sameOctets(UnsafeRawBufferPointer(rebasing: $0[Header.size ..< Header.size + wire.count]), wire) }) {
            appendUInt16(0xC000 | UInt16(Header.size))
            return
        }
        let start = count
        let first = start == Header.size && compressionEnabled
        // Room for the whole name at once; its labels are copied once the suffix to point to (if any) is known.
        let octets = octets(room: wire.count)
        // Only names already complete in the message are targets: a suffix of this name is registered as soon as
        // its label is found, before the rest is written, and comparing against it would read past the end (a
        // name with a repeated label, `a.a.example.`, crashed the server that way). A suffix of the name being
        // written can never equal a later, shorter suffix of it anyway.
        let completeTargets = useCompression ? targetCount : 0
        // The message before this name, and the targets in it, read where they lie.
        let message = UnsafeRawBufferPointer(start: octets, count: start)
        let targets = storage.targets
        var position = 0
        var target: UInt16?
        // The octets are read unchecked below: a wire form whose labels run past its end (no name of the codec's
        // making has one) stops here, before a label is compared or copied.
        while position < wire.count, wire[position] != 0 { position += 1 + Int(wire[position]) }
        precondition(position < wire.count, "a name's labels run past its wire form")
        position = 0
        search: while wire[position] != 0 {
            for index in 0 ..< completeTargets where Self.matches(wire, from: position, at: Int(targets[index]), in: message) {
                target = targets[index]
                break search
            }
            if compressionEnabled && start + position < 0x4000 && targetCount < Self.maxTargets {
                targets[targetCount] = UInt16(start + position)
                targetCount += 1
            }
            position += 1 + Int(wire[position])
        }
        // The labels before the suffix, then the pointer to it; or the whole name.
        let written = target == nil ? position + 1 : position
        (octets + start).copyMemory(from: wire.baseAddress!, byteCount: written)
        count += written
        if let target {
            appendUInt16(0xC000 | target)
        } else if first {
            questionLength = wire.count
        }
    }

    /// Compares the suffix of `wire` at `start` with the (possibly compressed) name at `offset` in `message`,
    /// without regard to ASCII case. Every read of the message is bounds-checked: whatever the message holds, a
    /// mismatch is the worst outcome.
    private static func matches(_ wire: UnsafeRawBufferPointer, from start: Int, at offset: Int,
                                in message: UnsafeRawBufferPointer) -> Bool {
        var position = start
        var cursor = offset
        var hops = 0
        while true {
            guard cursor < message.count else { return false }
            var length = Int(message[cursor])
            while length & 0xC0 == 0xC0 {
                hops += 1
                guard hops < Name.maxPointerHops, cursor + 1 < message.count else { return false }
                cursor = (length & 0x3F) << 8 | Int(message[cursor + 1])
                guard cursor < message.count else { return false }
                length = Int(message[cursor])
            }
            guard length & 0xC0 == 0, length == Int(wire[position]), cursor + length < message.count else { return false }
            if length == 0 { return true }
            for index in 1 ... length {
                if ASCIICase.lower(wire[position + index]) != ASCIICase.lower(message[cursor + index]) { return false }
            }
            position += 1 + length
            cursor += 1 + length
        }
    }

    /// Writes a whole record, compressing names where allowed.
    public mutating func writeRecord(_ record: Record) {
        writeName(record.name, compress: true)
        appendTypeClassTTL(record.type.rawValue, record.rclass.rawValue, record.ttl)
        appendRDATA(record.rdata)
    }

    /// Writes RDLENGTH and then `rdata` (its names compressed where the type allows).
    public mutating func appendRDATA(_ rdata: RData) {
        let lengthOffset = count
        appendUInt16(0)
        rdata.write(to: &self)
        patchUInt16(UInt16(count - lengthOffset - 2), at: lengthOffset)
    }

    /// Writes RDLENGTH and then `name`, compressed: the RDATA of an NS, CNAME or PTR record, without an `RData`
    /// around the name.
    public mutating func appendNameRDATA(_ name: Name) {
        let lengthOffset = count
        appendUInt16(0)
        writeName(name, compress: true)
        patchUInt16(UInt16(count - lengthOffset - 2), at: lengthOffset)
    }

    /// Writes a question.
    public mutating func writeQuestion(_ question: Question) {
        writeName(question.name, compress: true)
        appendUInt32(UInt32(question.type.rawValue) << 16 | UInt32(question.rclass.rawValue))
    }
}

/// The octets of a `MessageWriter` and the offsets of its compression targets, in memory of their own. Writers share
/// one only until one of them writes (`copy`).
final class MessageBuffer {
    let octets: UnsafeMutableRawPointer
    let capacity: Int
    /// `MessageWriter.maxTargets` offsets.
    let targets: UnsafeMutablePointer<UInt16>

    init(capacity: Int) {
        self.capacity = capacity
        octets = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        targets = UnsafeMutablePointer<UInt16>.allocate(capacity: MessageWriter.maxTargets)
    }

    deinit {
        octets.deallocate()
        targets.deallocate()
    }

    /// A buffer of `capacity` octets holding the first `count` octets and `targets` target offsets of this one.
    func copy(count: Int, targets: Int, capacity: Int) -> MessageBuffer {
        let copy = MessageBuffer(capacity: capacity)
        copy.octets.copyMemory(from: octets, byteCount: count)
        copy.targets.initialize(from: self.targets, count: targets)
        return copy
    }
}
