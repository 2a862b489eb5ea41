import DNSWire

/// What the TSIG record of a request says (RFC 8945 section 5.2).
public enum TSIGVerification: Sendable {
    /// The request carries no TSIG record.
    case unsigned
    /// Signed with a known key, MAC and time good: the session signs the answer.
    case valid(TSIGSession)
    /// Signed, but the key, the MAC, the time or the MAC's length is not accepted: answer NOTAUTH with no data,
    /// and let the rejection add its TSIG record.
    case rejected(TSIGRejection)
    /// The TSIG record cannot be read, is not last, or its MAC size is impossible: answer FORMERR, unsigned.
    case malformed(WireError)
}

/// The TSIG part of an error answer to a request whose TSIG was not accepted (RFC 8945 sections 5.2 and
/// 5.3.2). The caller writes the answer (the question echoed, RCODE NOTAUTH, no records) and then `sign`s it.
public struct TSIGRejection: Sendable {
    /// BADKEY, BADSIG, BADTIME or BADTRUNC.
    public let error: TSIGErrorCode
    /// The request's TSIG record: its key and algorithm names are echoed in an unsigned error.
    let request: TSIGRecord
    /// For BADTIME and BADTRUNC, where the request's MAC was good, the answer is signed.
    private var session: TSIGSession?

    init(error: TSIGErrorCode, request: TSIGRecord, session: TSIGSession? = nil) {
        self.error = error
        self.request = request
        self.session = session
    }

    /// The octets the TSIG record adds to the answer.
    public var reservedSize: Int { session?.reservedSize ?? unsignedRecord(now: 0, id: 0).wireSize }

    /// Appends the error's TSIG record to the finished answer in `writer`: unsigned (MAC size 0) after BADKEY
    /// and BADSIG, where the client cannot check a MAC of ours; signed after BADTIME (with the request's time
    /// signed and the server's time in other data) and BADTRUNC.
    public mutating func sign(_ writer: inout MessageWriter, now: UInt64) {
        if var signer = session {
            signer.sign(&writer, now: now)
            session = signer
        } else {
            appendSigned(unsignedRecord(now: now, id: UInt16(writer.octet(at: 0)) << 8 | UInt16(writer.octet(at: 1))), to: &writer)
        }
    }

    private func unsignedRecord(now: UInt64, id: UInt16) -> TSIGRecord {
        TSIGRecord(keyName: request.keyName, algorithmName: request.algorithmName, timeSigned: now,
                   fudge: request.fudge, mac: [], originalID: id, error: error)
    }
}

extension TSIGKeyring {
    /// Finds the TSIG record of `request` (it must be the last additional record) and verifies it.
    public func verify(request: UnsafeRawBufferPointer, now: UInt64) -> TSIGVerification {
        let start: Int?
        do {
            start = try TSIGRecord.locate(in: request)
        } catch {
            return .malformed(error)
        }
        guard let start else { return .unsigned }
        return verify(request: request, tsigAt: start, now: now)
    }

    /// Verifies the TSIG record that starts at `start` and ends `request` (as `Query.tsigStart` finds it), in
    /// the order of RFC 8945 section 5.2: the key and its algorithm (BADKEY), the MAC's size (FORMERR), the MAC
    /// (BADSIG), the time within the fudge (BADTIME), and whether a truncated MAC is acceptable: this server
    /// takes full-length MACs only (BADTRUNC). A most-recent time signed per key is not kept.
    public func verify(request: UnsafeRawBufferPointer, tsigAt start: Int, now: UInt64) -> TSIGVerification {
        let record: TSIGRecord
        do {
            record = try TSIGRecord(parsing: request, at: start)
        } catch {
            return .malformed(error)
        }
        guard let key = self[record.keyName], TSIGAlgorithm(name: record.algorithmName) == key.algorithm else {
            return .rejected(TSIGRejection(error: .badKey, request: record))
        }
        let algorithm = key.algorithm
        guard (algorithm.minimumMACLength ... algorithm.macLength).contains(record.mac.count) else {
            return .malformed(WireError(.badRData, field: "TSIG MAC size", offset: start))
        }
        var input = MACInput()
        input.appendMessage(request, tsigStart: start, originalID: record.originalID)
        input.appendVariables(of: record, timersOnly: false)
        guard constantTimeEqual(key.mac(input).prefix(record.mac.count), record.mac[...]) else {
            return .rejected(TSIGRejection(error: .badSig, request: record))
        }
        guard record.isCurrent(at: now) else {
            let session = TSIGSession(key: key, requestMAC: record.mac, error: .badTime, requestTime: record.timeSigned)
            return .rejected(TSIGRejection(error: .badTime, request: record, session: session))
        }
        guard record.mac.count == algorithm.macLength else {
            let session = TSIGSession(key: key, requestMAC: record.mac, error: .badTrunc)
            return .rejected(TSIGRejection(error: .badTrunc, request: record, session: session))
        }
        return .valid(TSIGSession(key: key, requestMAC: record.mac))
    }
}

extension TSIGRecord {
    /// True when `now` lies within the time signed plus or minus the fudge.
    func isCurrent(at now: UInt64) -> Bool {
        (now > timeSigned ? now - timeSigned : timeSigned - now) <= UInt64(fudge)
    }
}
