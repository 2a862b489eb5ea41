import DNSWire

/// The client side (RFC 8945 sections 5.1 and 5.3): signs an outgoing request, such as a NOTIFY, with a key,
/// and gives back the verifier of the answer to it.
public struct TSIGRequestSigner: Sendable {
    public let key: TSIGKey
    /// The fudge written into the request's TSIG record; the answer's time is checked against its own.
    public let fudge: UInt16

    public init(key: TSIGKey, fudge: UInt16 = TSIGRecord.defaultFudge) {
        self.key = key
        self.fudge = fudge
    }

    /// The octets the TSIG record adds to a request.
    public var reservedSize: Int { key.name.wire.count + 10 + key.algorithm.name.wire.count + 16 + key.algorithm.macLength }

    /// Signs the finished request `message` (no TSIG record yet; ID, sections and counts final) by appending a
    /// TSIG record, and returns what verifies the answer.
    public func sign(_ message: inout [UInt8], now: UInt64) -> TSIGAnswerVerifier {
        var record = TSIGRecord(keyName: key.name, algorithmName: key.algorithm.name, timeSigned: now, fudge: fudge,
                                mac: [], originalID: UInt16(message[0]) << 8 | UInt16(message[1]))
        var input = MACInput()
        message.withUnsafeBytes { input.appendMessage($0) }
        input.appendVariables(of: record, timersOnly: false)
        record.mac = key.mac(input)
        appendSigned(record, to: &message)
        return TSIGAnswerVerifier(key: key, requestMAC: record.mac)
    }
}

/// Verifies the answer, or each message of a multi-message answer, to one signed request (RFC 8945 sections
/// 5.3 and 5.3.1). Every message must be signed, as WistDNS, BIND, Knot and NSD sign them; the intermediate
/// unsigned messages that section 5.3.1 allows a server to send are refused.
public struct TSIGAnswerVerifier: Sendable {
    public let key: TSIGKey
    /// The request's MAC until the first message has verified, then the MAC of the last one.
    private var priorMAC: [UInt8]
    private var verifiedCount = 0

    init(key: TSIGKey, requestMAC: [UInt8]) {
        self.key = key
        self.priorMAC = requestMAC
    }

    /// Checks the next answer message. Throws when it is unsigned, cannot be read, is
    /// signed with another key, has a MAC that does not verify or that is not full length, carries a TSIG error
    /// from the server (checked against the MAC when the server signed it, as after BADTIME), or was signed too
    /// long ago or ahead of `now`.
    public mutating func verify(_ answer: UnsafeRawBufferPointer, now: UInt64) throws(TSIGAnswerError) {
        guard answer.count >= Header.size else { throw .malformed(WireError(.truncated, field: "header", offset: 0)) }
        let start: Int?
        do {
            start = try TSIGRecord.locate(in: answer)
        } catch {
            throw .malformed(error)
        }
        guard let start else { throw .unsigned }
        let record: TSIGRecord
        do {
            record = try TSIGRecord(parsing: answer, at: start)
        } catch {
            throw .malformed(error)
        }
        guard Name.equalIgnoringCase(record.keyName.wire[...], key.name.wire[...]),
              TSIGAlgorithm(name: record.algorithmName) == key.algorithm else {
            throw .wrongKey(record.keyName)
        }
        // An unsigned TSIG can only report an error (BADKEY, BADSIG): the server could not check our MAC.
        if record.mac.isEmpty { throw record.error == .noError ? .badSignature : .serverError(record.error) }
        var input = MACInput()
        input.appendPriorMAC(priorMAC)
        input.appendMessage(answer, tsigStart: start, originalID: record.originalID)
        input.appendVariables(of: record, timersOnly: verifiedCount > 0)
        guard record.mac.count == key.algorithm.macLength, constantTimeEqual(key.mac(input)[...], record.mac[...]) else {
            throw .badSignature
        }
        guard record.error == .noError else { throw .serverError(record.error) }
        guard record.isCurrent(at: now) else { throw .badTime(timeSigned: record.timeSigned) }
        priorMAC = record.mac
        verifiedCount += 1
    }

    /// Checks the next answer message given as bytes.
    public mutating func verify(_ answer: [UInt8], now: UInt64) throws(TSIGAnswerError) {
        let result: Result<Void, TSIGAnswerError> = answer.withUnsafeBytes { buffer in
            Result { () throws(TSIGAnswerError) in try verify(buffer, now: now) }
        }
        try result.get()
    }
}

/// Why an answer to a signed request is not accepted.
public enum TSIGAnswerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The answer carries no TSIG record.
    case unsigned
    /// The answer or its TSIG record cannot be read, or the TSIG record is not last.
    case malformed(WireError)
    /// The answer is signed with another key or algorithm.
    case wrongKey(Name)
    /// The server reports a TSIG error (BADKEY, BADSIG, BADTIME, ...) about our request.
    case serverError(TSIGErrorCode)
    /// The MAC does not verify, or is truncated.
    case badSignature
    /// The MAC verifies but the time signed is outside the fudge.
    case badTime(timeSigned: UInt64)

    public var description: String {
        switch self {
        case .unsigned: "the answer is not signed"
        case .malformed(let error): "the answer's TSIG cannot be read: \(error)"
        case .wrongKey(let name): "the answer is signed with another key (\(name))"
        case .serverError(let code): "the server reports \(code)"
        case .badSignature: "the answer's MAC does not verify"
        case .badTime(let time): "the answer was signed at \(time), outside the fudge"
        }
    }
}
