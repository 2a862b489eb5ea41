import AuthEngine
import DNSWire
import Testing

@Suite("Bad input gets FORMERR, NOTIMP, REFUSED or no answer, never a crash")
struct BadInputTests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    /// Regression (the packet of death of issue 9): the question of every answer is written with compression.
    @Test("names with repeated labels are answered over UDP and TCP, in a zone and outside every zone",
          arguments: [("a.a.example.org.", Rcode.refused), ("www.www.example.com.", .nxDomain),
                      ("mail.mail.example.com.", .nxDomain), ("example.example.com.com.", .refused),
                      ("x.x.x.x.wild.example.com.", .noError)])
    func repeatedLabels(text: String, rcode: Rcode) throws {
        for transport in [Transport.udp, .tcp] {
            let response = try ask(store, text, .a, over: transport)
            #expect(response.questions.first?.name == (try Name(text)))
            #expect(response.rcode == rcode, "\(text) over \(transport)")
        }
    }

    @Test("a message with QR set is dropped")
    func responseDropped() throws {
        let bytes = try queryBytes("example.com.", .a, flags: Header.qrBit)
        #expect(try respond(store, bytes) == nil)
    }

    @Test("a message shorter than a header is dropped", arguments: [0, 1, 11])
    func shortHeader(length: Int) throws {
        #expect(try respond(store, Array(repeating: 0, count: length)) == nil)
    }

    @Test("QDCOUNT 0 and 2 get FORMERR", arguments: [UInt16(0), 2])
    func questionCount(count: UInt16) throws {
        var bytes = try queryBytes("example.com.", .a)
        bytes[5] = UInt8(count)
        let response = try #require(try respond(store, bytes))
        #expect(response.rcode == .formErr)
        #expect(response.header.id == 0x1234)
    }

    @Test("a question cut short gets FORMERR")
    func shortQuestion() throws {
        let bytes = try queryBytes("example.com.", .a)
        let response = try #require(try respond(store, Array(bytes.dropLast(3))))
        #expect(response.rcode == .formErr)
    }

    @Test("two OPT records get FORMERR")
    func twoOPT() throws {
        var bytes = try queryBytes("example.com.", .a, edns: EDNS())
        bytes += [0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]
        bytes[11] = 2
        let response = try #require(try respond(store, bytes))
        #expect(response.rcode == .formErr)
    }

    @Test("an unknown opcode gets NOTIMP", arguments: [Opcode.iquery, Opcode.status, Opcode.update, Opcode(3)])
    func unknownOpcode(opcode: Opcode) throws {
        var header = Header(id: 7)
        header.opcode = opcode
        let bytes = try queryBytes("example.com.", .soa, flags: header.flags)
        let response = try #require(try respond(store, bytes))
        #expect(response.rcode == .notImp)
        #expect(response.header.opcode == opcode)
    }

    @Test("an incoming NOTIFY gets NOTIMP over UDP and TCP: WistDNS is a primary, not a secondary",
          arguments: [Transport.udp, .tcp])
    func incomingNotify(transport: Transport) throws {
        // As a primary sends it (RFC 1996): opcode NOTIFY, AA, question ZONE SOA IN, the SOA in the answer section.
        var header = Header(id: 0x4e4f)
        header.opcode = .notify
        header.isAuthoritative = true
        let origin = try Name("example.com.")
        let soa = try #require(store.snapshot.zone(origin: origin)).soa.records[0]
        let bytes = Message(header: header, questions: [Question(name: origin, type: .soa)], answers: [soa]).encoded()
        let response = try #require(try respond(store, bytes, over: transport))
        #expect(response.rcode == .notImp)
        #expect(response.header.opcode == .notify)
        #expect(response.header.id == 0x4e4f)
        #expect(response.questions == [Question(name: origin, type: .soa)])
        #expect(response.answers.isEmpty)
    }

    @Test("AXFR and IXFR over UDP are refused", arguments: [RecordType.axfr, .ixfr])
    func transfersOverUDP(type: RecordType) throws {
        #expect(try ask(store, "example.com.", type).rcode == .refused)
    }

    @Test("OPT as a question type is FORMERR")
    func optQuestion() throws {
        #expect(try ask(store, "example.com.", .opt).rcode == .formErr)
    }

    @Test("a fixed-seed fuzz of a valid query never crashes the responder")
    func fuzz() throws {
        let valid = try queryBytes("www.example.com.", .txt, edns: EDNS())
        var generator = SplitMix64(seed: 2026)
        let responder = Responder(store: store)
        var writer = MessageWriter(limit: 65535)
        var reader = responder.makeReader()
        for _ in 0 ..< 5000 {
            var bytes = valid
            for _ in 0 ..< Int(generator.next() % 4) + 1 {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            let length = Int(generator.next() % UInt64(bytes.count + 1))
            let sample = generator.next() % 2 == 0 ? bytes : Array(bytes[..<length])
            let answered = sample.withUnsafeBytes { responder.respond(to: $0, over: .udp, into: &writer, reader: &reader) }
            if answered {
                let response = try Message(parsing: writer.bytes)
                #expect(response.header.id == UInt16(sample[0]) << 8 | UInt16(sample[1]))
                #expect(response.header.isResponse)
            }
        }
    }
}

/// A small deterministic generator for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
