import AuthEngine
import DNSWire
import Testing

@Suite("RFC 5936 AXFR: SOA first and last, every record, several messages, only to allowed addresses over TCP")
struct ZoneTransferTests {
    static let client: [UInt8] = [127, 0, 0, 1]

    /// Every message of the response to `name AXFR` over TCP from `peer`, in order.
    func transfer(_ store: ZoneStore, _ name: String, from peer: [UInt8]? = client, id: UInt16 = 0x4242,
                  allow: Set<[UInt8]> = [client], edns: EDNS? = nil,
                  over transport: Transport = .tcp) throws -> [Message] {
        let responder = Responder(store: store, options: ResponderOptions(allowTransfer: allow))
        var writer = MessageWriter(limit: 65535)
        var reader = responder.makeReader()
        var messages: [[UInt8]] = []
        let query = try queryBytes(name, .axfr, id: id, flags: 0, edns: edns)
        let answered = query.withUnsafeBytes {
            responder.respond(to: $0, over: transport, from: peer, into: &writer, reader: &reader) { messages.append($0) }
        }
        #expect(answered)
        messages.append(writer.bytes)
        return try messages.map { try Message(parsing: $0) }
    }

    @Test("a small zone: one message, SOA first and last, every record once in between, ID and question echoed")
    func smallZone() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let messages = try transfer(store, "Example.COM.")
        #expect(messages.count == 1)
        let message = messages[0]
        #expect(message.rcode == .noError)
        #expect(message.header.id == 0x4242)
        #expect(message.header.isAuthoritative)
        #expect(message.questions == [Question(name: try Name("Example.COM."), type: .axfr)])
        let answers = message.answers
        #expect(answers.first?.type == .soa)
        #expect(answers.last == answers.first)
        let zone = try #require(store.snapshot.zone(origin: try Name("example.com.")))
        // Names compress to the question, so the apex comes out in the client's case: compare case-insensitively.
        #expect(Set(answers.dropFirst().dropLast().map(\.lowercasedText)) == Set(zone.records.dropFirst().map(\.lowercasedText)))
        #expect(answers.count == zone.records.count + 1)
        #expect(answers.dropFirst().dropLast().allSatisfy { $0.type != .soa })
    }

    @Test("a big zone is split into messages of about 16 KiB, each with the ID, the question and AA")
    func bigZone() throws {
        var text = exampleZone + "\n"
        for index in 0 ..< 3000 { text += "host\(index) A 192.0.2.\(index % 250)\nhost\(index) TXT \"record \(index)\"\n" }
        let store = try makeStore([("example.com.", text)])
        let messages = try transfer(store, "example.com.", edns: EDNS())
        #expect(messages.count > 3)
        let zone = try #require(store.snapshot.zone(origin: try Name("example.com.")))
        var all: [Record] = []
        for message in messages {
            #expect(message.header.id == 0x4242)
            #expect(message.header.isAuthoritative)
            #expect(message.rcode == .noError)
            #expect(message.questions.count == 1)
            #expect(message.edns != nil)
            #expect(try message.encodedSizeBelow(20 * 1024))
            all += message.answers
        }
        #expect(all.first?.type == .soa && all.last == all.first)
        #expect(all.count == zone.records.count + 1)
        #expect(Set(all.dropLast().map(\.lowercasedText)) == Set(zone.records.map(\.lowercasedText)))
        #expect(all.dropFirst().dropLast().allSatisfy { $0.type != .soa })
    }

    @Test("refused: over UDP, from an address not allowed, with no address, for a name that is not an apex")
    func refused() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        #expect(try transfer(store, "example.com.", over: .udp).map(\.rcode) == [.refused])
        #expect(try transfer(store, "example.com.", from: [127, 0, 0, 2]).map(\.rcode) == [.refused])
        #expect(try transfer(store, "example.com.", from: nil).map(\.rcode) == [.refused])
        #expect(try transfer(store, "example.com.", allow: []).map(\.rcode) == [.refused])
        #expect(try transfer(store, "www.example.com.").map(\.rcode) == [.refused])
        #expect(try transfer(store, "example.org.").map(\.rcode) == [.refused])
        for message in try transfer(store, "example.com.", from: [127, 0, 0, 2]) { #expect(message.answers.isEmpty) }
    }
}

extension Record {
    var lowercasedText: String { description.lowercased() }
}

extension Message {
    /// True when the message re-encodes to fewer than `limit` octets (an upper bound of its wire size).
    func encodedSizeBelow(_ limit: Int) throws -> Bool { encoded().count < limit }
}
