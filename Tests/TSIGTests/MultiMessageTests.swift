import DNSWire
import TSIG
import Testing

@Suite("Multi-message answers such as zone transfers (RFC 8945 section 5.3.1)")
struct MultiMessageTests {
    let ring = keyring(transferKey)

    /// A signed AXFR-like request, the server's session for it and the client's verifier.
    func exchange() -> (TSIGSession, TSIGAnswerVerifier, [UInt8])? {
        var request = queryMessage(type: .axfr)
        let verifier = TSIGRequestSigner(key: transferKey).sign(&request, now: testTime)
        guard let session = verifiedSession(request, with: ring, now: testTime) else { return nil }
        return (session, verifier, request)
    }

    /// `count` answer messages of three records each, each signed, and the client's verifier.
    func chain(_ count: Int) -> (TSIGAnswerVerifier, [[UInt8]])? {
        guard case (var session, let verifier, let request)? = exchange() else { return nil }
        var messages: [[UInt8]] = []
        for index in 0 ..< count {
            var message = answerMessage(to: request, records: 3, first: UInt8(index * 3))
            session.sign(&message, now: testTime + UInt64(index))
            messages.append(message)
        }
        return (verifier, messages)
    }

    @Test("every message of a signed chain verifies in order; later ones are signed over the timers only")
    func chainVerifies() throws {
        guard case (var verifier, let messages)? = chain(5) else { return }
        for message in messages {
            #expect(throws: Never.self) { try verifier.verify(message, now: testTime) }
        }
        // The same messages, each checked as if it were a first answer, do not verify after the first: they are
        // signed over the previous MAC and the timers only.
        guard var (fresh, _) = chain(1) else { return }
        #expect(throws: TSIGAnswerError.badSignature) { try fresh.verify(messages[1], now: testTime) }
    }

    @Test("a changed, dropped, repeated or reordered message breaks the chain at that message")
    func tampered() throws {
        guard let (start, messages) = chain(4) else { return }
        var changed = messages
        // The last octet of the last A record's address, just before the TSIG record (89 octets).
        changed[2][changed[2].count - 90] ^= 0x01
        let cases: [(String, [[UInt8]], Int)] = [
            ("changed third", changed, 2),
            ("second dropped", [messages[0], messages[2], messages[3]], 1),
            ("second repeated", [messages[0], messages[1], messages[1], messages[2]], 2),
            ("third and second swapped", [messages[0], messages[2], messages[1], messages[3]], 1),
        ]
        for (label, sequence, failing) in cases {
            var verifier = start
            for (index, message) in sequence.enumerated() {
                if index < failing {
                    #expect(throws: Never.self, "\(label) \(index)") { try verifier.verify(message, now: testTime) }
                } else {
                    #expect(throws: TSIGAnswerError.badSignature, "\(label) \(index)") {
                        try verifier.verify(message, now: testTime)
                    }
                    break
                }
            }
        }
    }

    @Test("every message must be signed")
    func unsignedMessage() throws {
        guard case (var verifier, let messages)? = chain(2) else { return }
        var unsigned = messages[1]
        unsigned.removeLast(unsigned.count - answerMessage(to: queryMessage(type: .axfr), records: 3).count)
        unsigned[11] -= 1
        #expect(throws: TSIGAnswerError.unsigned) { try verifier.verify(unsigned, now: testTime) }
        try verifier.verify(messages[0], now: testTime)
        #expect(throws: TSIGAnswerError.unsigned) { try verifier.verify(unsigned, now: testTime) }
        #expect(throws: Never.self) { try verifier.verify(messages[1], now: testTime) }
    }

    @Test("an answer signed with another key, unsigned, or checked too long after signing is refused")
    func wrongKeyAndTime() throws {
        var request = queryMessage()
        var verifier = TSIGRequestSigner(key: transferKey).sign(&request, now: testTime)
        guard var session = verifiedSession(request, with: keyring(transferKey), now: testTime) else { return }
        var answer = answerMessage(to: request)
        session.sign(&answer, now: testTime)

        var late = verifier
        #expect(throws: TSIGAnswerError.badTime(timeSigned: testTime)) { try late.verify(answer, now: testTime + 301) }

        var notifyRequest = queryMessage()
        _ = TSIGRequestSigner(key: notifyKey).sign(&notifyRequest, now: testTime)
        guard var notifySession = verifiedSession(notifyRequest, with: keyring(notifyKey), now: testTime) else { return }
        var otherKeyAnswer = answerMessage(to: request)
        notifySession.sign(&otherKeyAnswer, now: testTime)
        #expect(throws: TSIGAnswerError.wrongKey(notifyKey.name)) { try verifier.verify(otherKeyAnswer, now: testTime) }
        #expect(throws: TSIGAnswerError.unsigned) { try verifier.verify(answerMessage(to: request), now: testTime) }
        #expect(throws: Never.self) { try verifier.verify(answer, now: testTime) }
    }
}
