import DNSWire

/// A TSIG record (RFC 8945 section 4.2): the key name as owner, class ANY, TTL 0, and this RDATA. Names are
/// written uncompressed.
public struct TSIGRecord: Hashable, Sendable {
    public var keyName: Name
    public var algorithmName: Name
    /// Seconds since 1970-01-01 UTC, 48 bits on the wire.
    public var timeSigned: UInt64
    /// Seconds of error permitted in `timeSigned`.
    public var fudge: UInt16
    public var mac: [UInt8]
    /// The message ID when the message was signed.
    public var originalID: UInt16
    public var error: TSIGErrorCode
    /// Empty, except after BADTIME: the server's time, 6 octets.
    public var otherData: [UInt8]

    public init(keyName: Name, algorithmName: Name, timeSigned: UInt64, fudge: UInt16, mac: [UInt8],
                originalID: UInt16, error: TSIGErrorCode = .noError, otherData: [UInt8] = []) {
        self.keyName = keyName
        self.algorithmName = algorithmName
        self.timeSigned = timeSigned & 0xFFFF_FFFF_FFFF
        self.fudge = fudge
        self.mac = mac
        self.originalID = originalID
        self.error = error
        self.otherData = otherData
    }

    /// Reads the TSIG record that starts at `offset` and must end `message`. Throws `WireError` when it is short,
    /// not of type TSIG, not of class ANY, has a TTL other than 0, has RDATA that its fields do not fill exactly,
    /// or when octets follow it.
    public init(parsing message: UnsafeRawBufferPointer, at offset: Int) throws(WireError) {
        var reader = WireReader(message, offset: offset)
        keyName = try reader.readName("TSIG owner")
        guard try reader.readUInt16("TSIG type") == RecordType.tsig.rawValue else {
            throw WireError(.badRData, field: "TSIG type", offset: offset)
        }
        guard try reader.readUInt16("TSIG class") == RecordClass.any.rawValue,
              try reader.readUInt32("TSIG TTL") == 0 else {
            throw WireError(.badRData, field: "TSIG class or TTL", offset: offset)
        }
        let length = Int(try reader.readUInt16("TSIG rdlength"))
        let rdataStart = reader.offset
        guard length == reader.remaining else {
            throw WireError(length > reader.remaining ? .truncated : .badRData, field: "TSIG rdlength", offset: rdataStart - 2)
        }
        algorithmName = try reader.readName("TSIG algorithm")
        timeSigned = UInt64(try reader.readUInt16("TSIG time signed")) << 32 | UInt64(try reader.readUInt32("TSIG time signed"))
        fudge = try reader.readUInt16("TSIG fudge")
        mac = try reader.readBytes(Int(try reader.readUInt16("TSIG MAC size")), "TSIG MAC")
        originalID = try reader.readUInt16("TSIG original ID")
        error = TSIGErrorCode(rawValue: try reader.readUInt16("TSIG error"))
        otherData = try reader.readBytes(Int(try reader.readUInt16("TSIG other length")), "TSIG other data")
        guard reader.remaining == 0 else { throw WireError(.badRData, field: "TSIG rdata", offset: reader.offset) }
    }

    /// Finds the TSIG record of a message: the offset of its owner name when it is the last additional record,
    /// nil when the message has none. Throws `WireError` (`misplacedTSIG`) when a TSIG record is anywhere
    /// else, or when the message cannot be walked.
    public static func locate(in message: UnsafeRawBufferPointer) throws(WireError) -> Int? {
        guard let header = Header(message) else { throw WireError(.truncated, field: "header", offset: 0) }
        var reader = WireReader(message, offset: Header.size)
        for _ in 0 ..< header.questionCount {
            _ = try reader.readName("qname")
            try reader.skip(4, "question")
        }
        let total = Int(header.answerCount) + Int(header.authorityCount) + Int(header.additionalCount)
        var found: Int? = nil
        for index in 0 ..< total {
            let start = reader.offset
            _ = try reader.readName("owner")
            let type = try reader.readUInt16("type")
            try reader.skip(6, "record header")
            try reader.skip(Int(try reader.readUInt16("rdlength")), "rdata")
            guard type == RecordType.tsig.rawValue else { continue }
            guard index == total - 1, index >= total - Int(header.additionalCount) else {
                throw WireError(.misplacedTSIG, field: "TSIG", offset: start)
            }
            found = start
        }
        return found
    }

    /// The octets this record takes in a message.
    public var wireSize: Int { keyName.wire.count + 10 + algorithmName.wire.count + 16 + mac.count + otherData.count }

    /// Appends the record, uncompressed, to `bytes`.
    public func write(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: keyName.wire)
        append16(RecordType.tsig.rawValue, to: &bytes)
        append16(RecordClass.any.rawValue, to: &bytes)
        bytes.append(contentsOf: [0, 0, 0, 0])
        append16(UInt16(wireSize - keyName.wire.count - 10), to: &bytes)
        bytes.append(contentsOf: algorithmName.wire)
        appendTimers(to: &bytes)
        append16(UInt16(mac.count), to: &bytes)
        bytes.append(contentsOf: mac)
        append16(originalID, to: &bytes)
        append16(error.rawValue, to: &bytes)
        append16(UInt16(otherData.count), to: &bytes)
        bytes.append(contentsOf: otherData)
    }

    /// The TSIG variables of RFC 8945 section 4.3.3 that a MAC covers: with `timersOnly` (every message of a
    /// multi-message answer after the first, section 5.3.1) only the time signed and the fudge; otherwise also
    /// the key name and algorithm name in canonical form (lowercase), class, TTL, error and other data.
    func appendVariables(to bytes: inout [UInt8], timersOnly: Bool) {
        guard !timersOnly else {
            appendTimers(to: &bytes)
            return
        }
        bytes.append(contentsOf: keyName.lowercased().wire)
        append16(RecordClass.any.rawValue, to: &bytes)
        bytes.append(contentsOf: [0, 0, 0, 0])
        bytes.append(contentsOf: algorithmName.lowercased().wire)
        appendTimers(to: &bytes)
        append16(error.rawValue, to: &bytes)
        append16(UInt16(otherData.count), to: &bytes)
        bytes.append(contentsOf: otherData)
    }

    private func appendTimers(to bytes: inout [UInt8]) {
        append16(UInt16(timeSigned >> 32 & 0xFFFF), to: &bytes)
        append16(UInt16(timeSigned >> 16 & 0xFFFF), to: &bytes)
        append16(UInt16(timeSigned & 0xFFFF), to: &bytes)
        append16(fudge, to: &bytes)
    }
}

func append16(_ value: UInt16, to bytes: inout [UInt8]) {
    bytes.append(UInt8(value >> 8))
    bytes.append(UInt8(value & 0xFF))
}
