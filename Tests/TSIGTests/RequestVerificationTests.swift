import DNSWire
import TSIG
import Testing

@Suite("Server side: verifying a signed request and answering it (RFC 8945 sections 5.2, 5.3, 5.3.2)")
struct RequestVerificationTests {
    let ring = keyring(transferKey, notifyKey)

    /// A query signed with `key` at `time`, and the client's verifier of the answer.
    func signedQuery(_ key: TSIGKey = transferKey, at time: UInt64 = testTime, fudge: UInt16 = 300,
                     edns: Bool = false) -> ([UInt8], TSIGAnswerVerifier) {
        var request = queryMessage(edns: edns)
        let verifier = TSIGRequestSigner(key: key, fudge: fudge).sign(&request, now: time)
        return (request, verifier)
    }

    /// The rejection of a request that must be rejected, or nil (with an issue recorded).
    func rejection(_ request: [UInt8], now: UInt64 = testTime,
                   sourceLocation: SourceLocation = #_sourceLocation) -> TSIGRejection? {
        guard case .rejected(let rejection) = verify(request, with: ring, now: now) else {
            Issue.record("expected a rejection, got \(verify(request, with: ring, now: now))", sourceLocation: sourceLocation)
            return nil
        }
        return rejection
    }

    /// The NOTAUTH answer to `request` with the rejection's TSIG, as the responder writes it.
    func errorAnswer(to request: [UInt8], _ rejection: inout TSIGRejection, now: UInt64 = testTime) -> [UInt8] {
        var writer = MessageWriter(limit: 512)
        var header = Header(id: UInt16(request[0]) << 8 | UInt16(request[1]), questionCount: 1)
        header.isResponse = true
        header.rcodeLow = UInt8(Rcode.notAuth.rawValue)
        writer.writeHeader(header)
        writer.writeQuestion(Question(name: name("example.com."), type: .soa))
        let before = writer.count
        rejection.sign(&writer, now: now)
        #expect(writer.count - before == rejection.reservedSize)
        return writer.bytes
    }

    @Test("a query without TSIG is unsigned; a signed one verifies and its signed answer verifies at the client")
    func roundTrip() throws {
        guard case .unsigned = verify(queryMessage(edns: true), with: ring, now: testTime) else {
            Issue.record("an unsigned query")
            return
        }
        for key in [transferKey, notifyKey] {
            var (request, verifier) = signedQuery(key, edns: true)
            guard var session = verifiedSession(request, with: ring, now: testTime + 200) else { return }
            #expect(session.key == key)
            var answer = answerMessage(to: request)
            let unsignedCount = answer.count
            session.sign(&answer, now: testTime + 201)
            #expect(answer.count - unsignedCount == session.reservedSize)
            #expect(rcodeAndAdditional(answer).1 == 1)
            let record = try tsigRecord(of: answer)
            #expect(record.keyName == key.name && record.error == .noError && record.timeSigned == testTime + 201)
            #expect(record.originalID == 0xBEEF && record.otherData.isEmpty && record.fudge == 300)
            #expect(throws: Never.self) { try verifier.verify(answer, now: testTime + 100) }
        }
    }

    @Test("the key name matches without regard to case; the ID may change on the way (original ID)")
    func caseAndOriginalID() throws {
        let upper = key("TRANSFER.Example.:hmac-sha256:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")
        var (request, _) = signedQuery(upper)
        #expect(verifiedSession(request, with: ring, now: testTime) != nil)
        request[0] = 0x12
        request[1] = 0x34
        #expect(verifiedSession(request, with: ring, now: testTime) != nil)
    }

    @Test("an unknown key or another algorithm is BADKEY, answered with an unsigned TSIG echoing the request's names")
    func badKey() throws {
        let unknown = key("unknown.example.:hmac-sha256:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")
        let sha1 = key("transfer.example.:hmac-sha1:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")
        for signer in [unknown, sha1] {
            var (request, verifier) = signedQuery(signer)
            guard var rejection = rejection(request) else { continue }
            #expect(rejection.error == .badKey)
            let answer = errorAnswer(to: request, &rejection)
            let record = try tsigRecord(of: answer)
            #expect(record.mac.isEmpty && record.error == .badKey)
            #expect(record.keyName == signer.name && record.algorithmName == signer.algorithm.name)
            #expect(record.originalID == 0xBEEF)
            #expect(throws: TSIGAnswerError.serverError(.badKey)) { try verifier.verify(answer, now: testTime) }
        }
        // An empty keyring answers every signed request with BADKEY.
        let (request, _) = signedQuery()
        guard case .rejected(let empty) = verify(request, with: TSIGKeyring(), now: testTime) else {
            Issue.record("expected BADKEY from an empty keyring")
            return
        }
        #expect(empty.error == .badKey)
    }

    @Test("another secret, a changed message, a changed MAC or changed TSIG variables are BADSIG, answered unsigned")
    func badSig() throws {
        var tampered: [(String, [UInt8])] = []
        var request = signedQuery(otherSecretKey).0
        tampered.append(("another secret", request))
        let start = queryMessage().count
        request = signedQuery().0
        request[start - 6] ^= 0x20  // the case of the last letter of the question name
        tampered.append(("question name", request))
        request = signedQuery().0
        request[2] ^= 0x01  // RD
        tampered.append(("header flag", request))
        request = signedQuery().0
        request[request.count - 7] ^= 0x01  // the last octet of the MAC
        tampered.append(("MAC", request))
        request = signedQuery().0
        request[request.count - 3] = 0x10  // the error field, which the MAC covers
        tampered.append(("error field", request))
        let fudgeOffset = start + transferKey.name.wire.count + 10 + TSIGAlgorithm.hmacSHA256.name.wire.count + 6
        request = signedQuery().0
        request[fudgeOffset + 1] ^= 0x01
        tampered.append(("fudge", request))
        for (label, request) in tampered {
            guard var rejection = rejection(request) else { continue }
            #expect(rejection.error == .badSig, "\(label)")
            let answer = errorAnswer(to: request, &rejection)
            let record = try tsigRecord(of: answer)
            #expect(record.mac.isEmpty && record.error == .badSig, "\(label)")
        }
    }

    @Test("a time outside the fudge is BADTIME, answered signed with the request's time and ours in other data",
          arguments: [-301, 301, 100_000] as [Int64])
    func badTime(offset: Int64) throws {
        var (request, verifier) = signedQuery()
        let now = UInt64(Int64(testTime) + offset)
        guard var rejection = rejection(request, now: now) else { return }
        #expect(rejection.error == .badTime)
        let answer = errorAnswer(to: request, &rejection, now: now)
        let record = try tsigRecord(of: answer)
        #expect(record.error == .badTime && record.mac.count == 32)
        #expect(record.timeSigned == testTime)
        #expect(record.otherData == (0 ..< 6).map { UInt8(now >> UInt64(40 - 8 * $0) & 0xFF) })
        // The client checks the MAC of the BADTIME answer with its own clock before believing it.
        #expect(throws: TSIGAnswerError.serverError(.badTime)) { try verifier.verify(answer, now: testTime) }
        var forged = answer
        forged[forged.count - 1] ^= 0x01
        var fresh = verifier
        #expect(throws: TSIGAnswerError.badSignature) { try fresh.verify(forged, now: testTime) }
    }

    @Test("a time at the edge of the fudge is accepted")
    func timeEdges() {
        let (request, _) = signedQuery(fudge: 10)
        #expect(verifiedSession(request, with: ring, now: testTime - 10) != nil)
        #expect(verifiedSession(request, with: ring, now: testTime + 10) != nil)
        #expect(rejection(request, now: testTime + 11)?.error == .badTime)
    }

    @Test("a MAC truncated within what RFC 8945 allows is BADTRUNC (signed); shorter or longer is FORMERR")
    func truncation() throws {
        // Re-sign by hand: cut the MAC of a good request to `length` octets and fix the lengths.
        func truncated(to length: Int) throws -> [UInt8] {
            let (request, _) = signedQuery()
            var record = try tsigRecord(of: request)
            let start = queryMessage().count
            record.mac = Array((record.mac + record.mac).prefix(length))
            var bytes = Array(request.prefix(start))
            record.write(to: &bytes)
            return bytes
        }
        var rejection = rejection(try truncated(to: 16))
        #expect(rejection?.error == .badTrunc)
        if rejection != nil {
            let answer = errorAnswer(to: try truncated(to: 16), &rejection!)
            #expect(try tsigRecord(of: answer).mac.count == 32)
        }
        // 16 of 32 octets is the shortest allowed; a wrong truncated MAC is still BADSIG.
        var wrong = try truncated(to: 16)
        wrong[wrong.count - 8] ^= 1
        #expect(self.rejection(wrong)?.error == .badSig)
        for length in [0, 15, 33, 64] {
            guard case .malformed = verify(try truncated(to: length), with: ring, now: testTime) else {
                Issue.record("MAC of \(length) octets should be FORMERR")
                continue
            }
        }
    }

    @Test("a truncated, misplaced or malformed TSIG record is FORMERR")
    func malformed() {
        let (request, _) = signedQuery()
        let start = queryMessage().count
        var cases: [(String, [UInt8])] = []
        for length in [start + 1, start + 20, request.count - 1] {
            var cut = Array(request.prefix(length))
            cut[11] = 1
            cases.append(("cut at \(length)", cut))
        }
        var notLast = request
        notLast[11] = 2
        notLast += [0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0]
        cases.append(("TSIG before OPT", notLast))
        var classIN = request
        classIN[start + transferKey.name.wire.count + 3] = 1
        cases.append(("class IN", classIN))
        for (label, bytes) in cases {
            guard case .malformed = verify(bytes, with: ring, now: testTime) else {
                Issue.record("\(label): expected FORMERR, got \(verify(bytes, with: ring, now: testTime))")
                continue
            }
        }
    }
}
