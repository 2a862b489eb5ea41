import DNSWire

/// Signs the answer to a validly signed request with the request's key (RFC 8945 section 5.3): a single
/// message, or every message of a multi-message answer such as a zone transfer (section 5.3.1). The first
/// message is signed over the request's MAC, the message and all TSIG variables; each later one over the
/// previous message's MAC, the message and the timers only.
public struct TSIGSession: Sendable {
    /// The key the request was signed with; the answer is signed with it too.
    public let key: TSIGKey
    /// The fudge written into the answer's TSIG records.
    public let fudge: UInt16
    /// The request's MAC until the first message is signed, then the MAC of the last message signed.
    private var priorMAC: [UInt8]
    private var messagesSigned = 0
    /// Set for a signed error answer (BADTIME, BADTRUNC): its error, and for BADTIME the request's time signed
    /// (so that the client can check the answer with its own clock) and the server's time in other data.
    private let error: TSIGErrorCode
    private let requestTime: UInt64?

    init(key: TSIGKey, requestMAC: [UInt8], fudge: UInt16 = TSIGRecord.defaultFudge, error: TSIGErrorCode = .noError,
         requestTime: UInt64? = nil) {
        self.key = key
        self.fudge = fudge
        self.priorMAC = requestMAC
        self.error = error
        self.requestTime = requestTime
    }

    /// The octets the TSIG record adds to each message: keep this much room free in a message to be signed.
    public var reservedSize: Int {
        key.name.wire.count + 10 + key.algorithm.name.wire.count + 16 + key.algorithm.macLength
            + (error == .badTime ? 6 : 0)
    }

    /// Signs the finished message in `writer` (ID, sections and counts final) by appending a TSIG record.
    public mutating func sign(_ writer: inout MessageWriter, now: UInt64) {
        let record = writer.withUnsafeBytes { nextRecord(for: $0, now: now) }
        appendSigned(record, to: &writer)
    }

    /// Signs the finished message `message` by appending a TSIG record.
    public mutating func sign(_ message: inout [UInt8], now: UInt64) {
        let record = message.withUnsafeBytes { nextRecord(for: $0, now: now) }
        appendSigned(record, to: &message)
    }

    private mutating func nextRecord(for message: UnsafeRawBufferPointer, now: UInt64) -> TSIGRecord {
        var record = TSIGRecord(keyName: key.name, algorithmName: key.algorithm.name, timeSigned: requestTime ?? now,
                                fudge: fudge, mac: [], originalID: UInt16(message[0]) << 8 | UInt16(message[1]),
                                error: error, otherData: requestTime == nil ? [] : TSIGRecord.time48(now))
        var input = MACInput()
        input.appendPriorMAC(priorMAC)
        input.appendMessage(message)
        input.appendVariables(of: record, timersOnly: messagesSigned > 0)
        record.mac = key.mac(input)
        priorMAC = record.mac
        messagesSigned += 1
        return record
    }
}

extension TSIGRecord {
    /// The fudge RFC 8945 section 10 recommends: 300 seconds.
    public static let defaultFudge: UInt16 = 300

    /// A time as the 6 octets of BADTIME's other data.
    static func time48(_ time: UInt64) -> [UInt8] {
        (0 ..< 6).map { UInt8(time >> UInt64(40 - 8 * $0) & 0xFF) }
    }
}
