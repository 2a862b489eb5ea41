import AuthEngine
import DNSWire
import TSIG
import Testing
import Platform

/// Keys of the signed-request tests: one that may transfer, one that may not, and the first with another secret.
private let transferKey = try! TSIGKey(spec: "xfr.example.:hmac-sha256:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")
private let queryKey = try! TSIGKey(spec: "query.example.:hmac-sha512:nUqIU6YbEoy5qmKBl2Q1z7dw+Zfi/JlWSovGE6O8a3k=")
private let wrongSecret = try! TSIGKey(spec: "xfr.example.:hmac-sha256:nUqIU6YbEoy5qmKBl2Q1z7dw+Zfi/JlWSovGE6O8a3k=")
private let unknownKey = try! TSIGKey(spec: "nobody.example.:hmac-sha256:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")

/// What a signed exchange gave: every message as sent, and the client's verifier of them.
private struct Exchange {
    var messages: [[UInt8]]
    var verifier: TSIGAnswerVerifier

    /// Verifies every message in order; returns the first error.
    mutating func verifyAll(now: UInt64 = SystemClock.wallSeconds()) -> TSIGAnswerError? {
        for message in messages {
            do { try verifier.verify(message, now: now) } catch { return error }
        }
        return nil
    }

    var parsed: [Message] { messages.map { try! Message(parsing: $0) } }
    /// The TSIG record of each message, read by the full decoder (nil when it has none).
    var tsigRecords: [Record?] { parsed.map { $0.additional.last.flatMap { $0.type == .tsig ? $0 : nil } } }
}

@Suite("Signed requests (RFC 8945) at the responder: verified, answered signed, transfers allowed by key")
struct SignedResponderTests {
    static let client: [UInt8] = [127, 0, 0, 1]
    let options = ResponderOptions(allowTransfer: [], keyring: try! TSIGKeyring([transferKey, queryKey]),
                                   transferKeys: [try! Name("XFR.example.")])

    /// Signs `query` with `key` at `time` and sends it; collects every message of the answer.
    private func exchange(_ store: ZoneStore, _ query: [UInt8], key: TSIGKey, at time: UInt64 = SystemClock.wallSeconds(),
                          over transport: Transport = .tcp, from peer: [UInt8]? = client,
                          options: ResponderOptions? = nil, writer: inout MessageWriter) -> Exchange {
        var request = query
        let verifier = TSIGRequestSigner(key: key).sign(&request, now: time)
        let responder = Responder(store: store, options: options ?? self.options)
        var reader = responder.makeReader()
        var messages: [[UInt8]] = []
        writer.reset(limit: transport == .tcp ? 65535 : 65507)
        let answered = request.withUnsafeBytes {
            responder.respond(to: $0, over: transport, from: peer, into: &writer, reader: &reader) { messages.append($0) }
        }
        #expect(answered)
        messages.append(writer.bytes)
        return Exchange(messages: messages, verifier: verifier)
    }

    private func exchange(_ store: ZoneStore, _ query: [UInt8], key: TSIGKey, at time: UInt64 = SystemClock.wallSeconds(),
                          over transport: Transport = .tcp, from peer: [UInt8]? = client,
                          options: ResponderOptions? = nil) -> Exchange {
        var writer = MessageWriter(limit: 65535)
        return exchange(store, query, key: key, at: time, over: transport, from: peer, options: options, writer: &writer)
    }

    @Test("a signed query gets the unsigned answer plus a TSIG record that verifies, over UDP and TCP")
    func signedQuery() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        for transport in [Transport.udp, .tcp] {
            for (name, type) in [("example.com.", RecordType.mx), ("nope.example.com.", .a), ("example.org.", .a)] {
                let query = try queryBytes(name, type, edns: EDNS())
                var signed = exchange(store, query, key: queryKey, over: transport)
                #expect(signed.messages.count == 1)
                #expect(signed.verifyAll() == nil, "\(name) \(type)")
                let unsigned = try #require(try respond(store, query, over: transport))
                var answer = signed.parsed[0]
                #expect(answer.additional.last?.type == .tsig)
                answer.additional.removeLast()
                answer.header.additionalCount -= 1
                #expect(answer == unsigned, "\(name) \(type)")
            }
        }
    }

    @Test("an AXFR signed with a transfer key is allowed from any address; every message is signed and verifies")
    func signedTransfer() throws {
        var text = exampleZone + "\n"
        for index in 0 ..< 3000 { text += "host\(index) A 192.0.2.\(index % 250)\nhost\(index) TXT \"record \(index)\"\n" }
        let store = try makeStore([("example.com.", text)])
        var signed = exchange(store, try queryBytes("example.com.", .axfr, flags: 0, edns: EDNS()), key: transferKey,
                              from: [192, 0, 2, 99])
        #expect(signed.messages.count > 3)
        #expect(signed.verifyAll() == nil)
        #expect(signed.messages.allSatisfy { $0.count <= 65535 })
        let answers = signed.parsed.flatMap(\.answers)
        let zone = try #require(store.snapshot.zone(origin: try Name("example.com.")))
        #expect(answers.count == zone.records.count + 1)
        #expect(answers.first?.type == .soa && answers.last == answers.first)
        // Dropping or reordering a message breaks the chain.
        var reordered = signed
        reordered.verifier = exchange(store, try queryBytes("example.com.", .axfr, flags: 0), key: transferKey).verifier
        reordered.messages.swapAt(1, 2)
        #expect(reordered.verifyAll() == .badSignature)
    }

    @Test("refused, signed: a valid key that may not transfer, a transfer key over UDP, a zone not served here")
    func refusedSigned() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let cases: [(String, Exchange)] = [
            ("key not allowed", exchange(store, try queryBytes("example.com.", .axfr), key: queryKey)),
            ("over UDP", exchange(store, try queryBytes("example.com.", .axfr), key: transferKey, over: .udp)),
            ("IXFR over UDP", exchange(store, try queryBytes("example.com.", .ixfr), key: transferKey, over: .udp)),
            ("not a zone here", exchange(store, try queryBytes("example.org.", .axfr), key: transferKey)),
        ]
        for (label, var signed) in cases {
            #expect(signed.messages.count == 1, "\(label)")
            #expect(signed.parsed[0].rcode == .refused, "\(label)")
            #expect(signed.parsed[0].answers.isEmpty, "\(label)")
            #expect(signed.verifyAll() == nil, "\(label)")
        }
    }

    @Test("wrong secret BADSIG, unknown key BADKEY: NOTAUTH, an unsigned TSIG with the error, no records")
    func rejected() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let allowAddress = ResponderOptions(allowTransfer: [Self.client], keyring: options.keyring)
        for (key, error) in [(wrongSecret, TSIGErrorCode.badSig), (unknownKey, .badKey)] {
            for query in [try queryBytes("example.com.", .axfr), try queryBytes("example.com.", .soa, edns: EDNS())] {
                // Even from an allowed address, a request with a bad signature gets nothing.
                var signed = exchange(store, query, key: key, options: allowAddress)
                #expect(signed.messages.count == 1)
                let answer = signed.parsed[0]
                #expect(answer.rcode == .notAuth)
                #expect(answer.answers.isEmpty && answer.authority.isEmpty)
                #expect(answer.questions.count == 1)
                #expect(signed.verifyAll() == .serverError(error))
                let tsig = try #require(signed.tsigRecords[0])
                #expect(tsig.name == key.name)
                let record = try signed.messages[0].withUnsafeBytes { buffer in
                    try TSIGRecord(parsing: buffer, at: try #require(try TSIGRecord.locate(in: buffer)))
                }
                #expect(record.error == error && record.mac.isEmpty)
            }
        }
    }

    @Test("a request signed too long ago gets BADTIME, signed, with our time in other data")
    func badTime() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let then = SystemClock.wallSeconds() - 3600
        var signed = exchange(store, try queryBytes("example.com.", .axfr), key: transferKey, at: then)
        #expect(signed.parsed[0].rcode == .notAuth)
        #expect(signed.parsed[0].answers.isEmpty)
        #expect(signed.verifyAll(now: then) == .serverError(.badTime))
        let record = try signed.messages[0].withUnsafeBytes { buffer in
            try TSIGRecord(parsing: buffer, at: try #require(try TSIGRecord.locate(in: buffer)))
        }
        #expect(record.timeSigned == then && record.otherData.count == 6 && record.mac.count == 32)
    }

    @Test("a malformed or misplaced TSIG record gets FORMERR without a TSIG record")
    func formErr() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        var request = try queryBytes("example.com.", .soa)
        _ = TSIGRequestSigner(key: queryKey).sign(&request, now: SystemClock.wallSeconds())
        var truncated = request
        truncated.removeLast(3)
        var misplaced = request
        misplaced[11] += 1
        misplaced += [0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0]
        for bytes in [truncated, misplaced] {
            let answer = try #require(try respond(store, bytes))
            #expect(answer.rcode == .formErr)
            #expect(answer.additional.isEmpty)
        }
    }

    @Test("a signed NOTIFY is answered NOTIMP, signed")
    func signedNotImp() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        var header = Header(id: 7)
        header.opcode = .notify
        header.isAuthoritative = true
        let notify = Message(header: header, questions: [Question(name: try Name("example.com."), type: .soa)]).encoded()
        var signed = exchange(store, notify, key: queryKey, over: .udp)
        #expect(signed.parsed[0].rcode == .notImp)
        #expect(signed.verifyAll() == nil)
    }

    /// Room is kept for the TSIG record: a signed UDP answer never passes the 512-octet limit of a query
    /// without EDNS; what does not fit with the TSIG is truncated (TC) and still signed. The writer's reserve is
    /// given back, so an unsigned answer on the same writer afterwards may fill its whole limit.
    @Test("a signed UDP answer stays within its limit, TC when the TSIG would not fit; the reserve is given back")
    func sizeLimit() throws {
        var text = exampleZone + "\n"
        // TXT records of 380 to 480 octets of text: unsigned answers of about 420 to 520 octets.
        for size in stride(from: 380, through: 480, by: 4) {
            let strings = [150, 150, size - 300].map { "\"" + String(repeating: "a", count: $0) + "\"" }
            text += "t\(size) TXT \(strings.joined(separator: " "))\n"
        }
        let store = try makeStore([("example.com.", text)])
        var writer = MessageWriter(limit: 65507)
        var truncatedSigned = 0, fullUnsigned = 0
        for size in stride(from: 380, through: 480, by: 4) {
            let query = try queryBytes("t\(size).example.com.", .txt)
            var signed = exchange(store, query, key: queryKey, over: .udp, writer: &writer)
            #expect(signed.messages[0].count <= 512, "\(size)")
            #expect(signed.verifyAll() == nil, "\(size)")
            let answer = signed.parsed[0]
            if answer.header.isTruncated { truncatedSigned += 1 } else { #expect(answer.answers.count == 1) }
            #expect(writer.reserved == 0)
            // The same writer answers an unsigned query with its whole limit.
            let responder = Responder(store: store, options: options)
            var reader = responder.makeReader()
            writer.reset(limit: 65507)
            _ = query.withUnsafeBytes { responder.respond(to: $0, over: .udp, into: &writer, reader: &reader) }
            let unsigned = try Message(parsing: writer.bytes)
            #expect(writer.count <= 512)
            if !unsigned.header.isTruncated { fullUnsigned += 1 }
        }
        #expect(truncatedSigned > 0 && fullUnsigned > 26 - truncatedSigned, "some answers fit only without a TSIG")
    }
}
