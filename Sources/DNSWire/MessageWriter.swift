/// Builds a DNS message into a byte buffer with name compression and a size limit.
///
/// Writes never fail: the writer records whether the limit was passed (`overflowed`) and callers roll back to a
/// `Mark` taken before the record that did not fit, which is how truncation is done (RFC 2181 section 9).
public struct MessageWriter {
    /// The message so far.
    public private(set) var bytes: [UInt8]
    /// The largest message this writer may produce.
    public var limit: Int
    /// Octets kept free at the end of every message for a record that is added once the message is built (a
    /// TSIG record, RFC 8945): `reset(limit:)` sets the limit this much lower than asked. Zero unless a signer
    /// sets it for one response; the signer sets it back to zero before appending its record.
    public var reserved = 0
    /// Whether names are compressed at all.
    public let compressionEnabled: Bool
    /// Offsets of names (and their suffixes) already written, usable as compression targets.
    private var targets: [UInt16] = []
    /// The name written first, right after the header (the question's), while it is in the message: most answers
    /// are owned by the very name asked, and get a pointer to it without a search.
    private var questionName: [UInt8] = []

    /// A point to roll back to.
    public struct Mark {
        fileprivate let size: Int
        fileprivate let targetCount: Int
    }

    /// Creates a writer. `capacity` reserves storage up front so building does not reallocate.
    public init(limit: Int, compression: Bool = true, capacity: Int = 512) {
        self.limit = limit
        self.compressionEnabled = compression
        self.bytes = []
        self.bytes.reserveCapacity(max(capacity, 64))
        self.targets.reserveCapacity(compression ? 32 : 0)
    }

    /// Empties the writer, keeping its storage, for the next message of at most `limit` octets less `reserved`.
    public mutating func reset(limit: Int) {
        bytes.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        questionName = []
        self.limit = limit - reserved
    }

    /// The number of octets written.
    public var count: Int { bytes.count }
    /// True when the message has grown past its limit.
    public var overflowed: Bool { bytes.count > limit }

    /// Remembers the current size so a record that does not fit can be removed again.
    public func mark() -> Mark { Mark(size: bytes.count, targetCount: targets.count) }

    /// Removes everything written after `mark`.
    public mutating func rollBack(to mark: Mark) {
        bytes.removeSubrange(mark.size...)
        targets.removeSubrange(mark.targetCount...)
        if mark.size <= Header.size { questionName = [] }
    }

    public mutating func appendUInt8(_ value: UInt8) { bytes.append(value) }

    public mutating func appendUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    public mutating func appendUInt32(_ value: UInt32) {
        bytes.append(UInt8(value >> 24))
        bytes.append(UInt8((value >> 16) & 0xFF))
        bytes.append(UInt8((value >> 8) & 0xFF))
        bytes.append(UInt8(value & 0xFF))
    }

    public mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    public mutating func append(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// Appends part of a byte array (one record of an RRset kept as one buffer, say).
    public mutating func append(_ data: ArraySlice<UInt8>) { bytes.append(contentsOf: data) }

    /// Overwrites a 16-bit value at `offset` (used for counts and RDLENGTH).
    public mutating func patchUInt16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(value & 0xFF)
    }

    /// Writes the 12-octet header at the start of an empty writer.
    public mutating func writeHeader(_ header: Header) {
        header.write(to: &bytes)
    }

    /// Writes the header's counts into an already written header.
    public mutating func patchCounts(answer: Int, authority: Int, additional: Int) {
        patchUInt16(UInt16(answer), at: 6)
        patchUInt16(UInt16(authority), at: 8)
        patchUInt16(UInt16(additional), at: 10)
    }

    /// Writes `name`, replacing its longest suffix already in the message by a pointer when `compress` is set.
    /// Suffixes written in full are remembered as targets for later names.
    public mutating func writeName(_ name: Name, compress: Bool) {
        let wire = name.wire
        var position = 0
        let useCompression = compress && compressionEnabled
        // The same name as the question (usually the very same storage, so no octet is compared): the pointer
        // the search below would find first.
        if useCompression, !questionName.isEmpty, wire == questionName {
            appendUInt16(0xC000 | UInt16(Header.size))
            return
        }
        let first = bytes.count == Header.size && compressionEnabled
        defer { if first { questionName = wire } }
        // Only names already complete in the message are targets: a suffix of this name is registered as soon as
        // its label is written, before the rest is, and comparing against it would read past the end (a name with
        // a repeated label, `a.a.example.`, crashed the server that way). A suffix of the name being written can
        // never equal a later, shorter suffix of it anyway.
        let completeTargets = targets.count
        while wire[position] != 0 {
            if useCompression, let target = findTarget(wire, from: position, among: completeTargets) {
                appendUInt16(0xC000 | target)
                return
            }
            if compressionEnabled && bytes.count < 0x4000 && targets.count < 255 {
                targets.append(UInt16(bytes.count))
            }
            let length = Int(wire[position])
            bytes.append(contentsOf: wire[position ... (position + length)])
            position += 1 + length
        }
        bytes.append(0)
    }

    /// Finds an earlier occurrence of the suffix of `wire` that starts at `start`, among the first `count` targets.
    private func findTarget(_ wire: [UInt8], from start: Int, among count: Int) -> UInt16? {
        for target in targets[..<count] where matches(wire, from: start, at: Int(target)) {
            return target
        }
        return nil
    }

    /// Compares the suffix of `wire` at `start` with the (possibly compressed) name at `offset` in the message,
    /// without regard to ASCII case. Every read of the message is bounds-checked: whatever the message holds, a
    /// mismatch is the worst outcome.
    private func matches(_ wire: [UInt8], from start: Int, at offset: Int) -> Bool {
        var position = start
        var cursor = offset
        var hops = 0
        while true {
            guard cursor < bytes.count else { return false }
            var length = Int(bytes[cursor])
            while length & 0xC0 == 0xC0 {
                hops += 1
                guard hops < Name.maxPointerHops, cursor + 1 < bytes.count else { return false }
                cursor = (length & 0x3F) << 8 | Int(bytes[cursor + 1])
                guard cursor < bytes.count else { return false }
                length = Int(bytes[cursor])
            }
            guard length & 0xC0 == 0, length == Int(wire[position]), cursor + length < bytes.count else { return false }
            if length == 0 { return true }
            for index in 1 ... length {
                if ASCIICase.lower(wire[position + index]) != ASCIICase.lower(bytes[cursor + index]) { return false }
            }
            position += 1 + length
            cursor += 1 + length
        }
    }

    /// Writes a whole record, compressing names where allowed.
    public mutating func writeRecord(_ record: Record) {
        writeName(record.name, compress: true)
        appendUInt16(record.type.rawValue)
        appendUInt16(record.rclass.rawValue)
        appendUInt32(record.ttl)
        appendRDATA(record.rdata)
    }

    /// Writes RDLENGTH and then `rdata` (its names compressed where the type allows).
    public mutating func appendRDATA(_ rdata: RData) {
        let lengthOffset = bytes.count
        appendUInt16(0)
        rdata.write(to: &self)
        patchUInt16(UInt16(bytes.count - lengthOffset - 2), at: lengthOffset)
    }

    /// Writes a question.
    public mutating func writeQuestion(_ question: Question) {
        writeName(question.name, compress: true)
        appendUInt16(question.type.rawValue)
        appendUInt16(question.rclass.rawValue)
    }
}
