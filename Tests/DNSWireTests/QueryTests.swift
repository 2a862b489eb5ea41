import DNSWire
import Testing

@Suite("Hot-path query parser (RFC 1035 4.1, RFC 6891 6.1.1)")
struct QueryParserTests {
    @Test("short header throws", arguments: [0, 1, 11])
    func shortHeader(length: Int) {
        let bytes = Array(header().prefix(length))
        expectWireError(.truncated) { _ = try parseQuery(bytes) }
        expectWireError(.truncated) { _ = try Message(parsing: bytes) }
    }

    @Test("QDCOUNT other than 1 throws", arguments: [0, 2, 0xFFFF] as [UInt16])
    func questionCount(count: UInt16) {
        let questions = Array(repeating: questionWire(), count: min(Int(count), 2)).flatMap { $0 }
        let bytes = header(qd: count) + questions
        #expect(throws: WireError.self) { _ = try parseQuery(bytes) }
    }

    @Test("question case preserved")
    func questionAndEnd() throws {
        let question = questionWire(["WwW", "eXaMpLe", "CoM"], type: 28)
        let bytes = header(ar: 1) + question + optWire()
        let query = try parseQuery(bytes)
        #expect(query.question.name.description == "WwW.eXaMpLe.CoM.")
        #expect(query.question.name.wire == Array(question.dropLast(4)))
        #expect(query.question.type == .aaaa)
        #expect(query.question.rclass == .in)
    }

    @Test("EDNS payload size, version and DO bit are read")
    func ednsFields() throws {
        let bytes = header(ar: 1) + questionWire() + optWire(payload: 4096, ttl: 0x0000_8000)
        let query = try parseQuery(bytes)
        #expect(query.edns?.udpPayloadSize == 4096)
        #expect(query.edns?.version == 0)
        #expect(query.edns?.dnssecOK == true)
        let v2 = try parseQuery(header(ar: 1) + questionWire() + optWire(payload: 512, ttl: 0x0002_0000))
        #expect(v2.edns?.version == 2)
        #expect(v2.edns?.dnssecOK == false)
        #expect(v2.edns?.udpPayloadSize == 512)
        #expect(try parseQuery(header() + questionWire()).edns == nil)
    }

    @Test("two OPT records throw badOPT")
    func twoOPT() {
        let bytes = header(ar: 2) + questionWire() + optWire() + optWire()
        expectWireError(.badOPT) { _ = try parseQuery(bytes) }
        expectWireError(.badOPT) { _ = try Message(parsing: bytes) }
    }

    @Test("OPT with a non-root owner throws badOPT")
    func nonRootOwner() {
        let bytes = header(ar: 1) + questionWire() + optWire(owner: wire("example"))
        expectWireError(.badOPT) { _ = try parseQuery(bytes) }
        expectWireError(.badOPT) { _ = try Message(parsing: bytes) }
        let pointer = header(ar: 1) + questionWire() + optWire(owner: [0xC0, 12])
        expectWireError(.badOPT) { _ = try parseQuery(pointer) }
        expectWireError(.badOPT) { _ = try Message(parsing: pointer) }
    }

    @Test("OPT with a malformed option list throws badOPT", arguments: [
        [0x00, 0x0A],                                   // half an option header
        [0x00, 0x0A, 0x00, 0x08, 1, 2, 3],              // option longer than the RDATA
        [0x00, 0x0A, 0x00, 0x00, 0x00],                 // a good empty option then one stray octet
        [0x00, 0x0C, 0x00, 0x02, 0, 0, 0x00, 0x0A, 0x00, 0xFF], // second option overruns
    ] as [[UInt8]])
    func malformedOptions(rdata: [UInt8]) {
        let bytes = header(ar: 1) + questionWire() + optWire(rdata: rdata)
        expectWireError(.badOPT) { _ = try parseQuery(bytes) }
        expectWireError(.badOPT) { _ = try Message(parsing: bytes) }
    }

    @Test("well-formed options are accepted; content is kept by Message")
    func goodOptions() throws {
        let rdata: [UInt8] = [0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x0C, 0x00, 0x00]
        let bytes = header(ar: 1) + questionWire() + optWire(rdata: rdata)
        #expect(try parseQuery(bytes).edns?.udpPayloadSize == 1232)
        #expect(try Message(parsing: bytes).edns?.options == [
            EDNS.Option(code: 10, data: [1, 2, 3, 4, 5, 6, 7, 8]), EDNS.Option(code: 12, data: []),
        ])
    }

    @Test("answer and authority records are skipped; another additional record is allowed next to OPT")
    func skipsRecords() throws {
        // A NOTIFY-like query: SOA in the answer section, then OPT and an unknown record in additional.
        let soa = recordWire(type: 6, rdata: [0, 0] + Array(repeating: 0, count: 20))
        let extra = recordWire(owner: wire("key"), type: 65534, rdata: [1, 2, 3])
        let bytes = header(flags: 0x2000, an: 1, ar: 2) + questionWire(type: 6) + soa + extra + optWire(ttl: 0x8000)
        let query = try parseQuery(bytes)
        #expect(query.header.opcode == .notify)
        #expect(query.edns?.dnssecOK == true)
        let message = try Message(parsing: bytes)
        #expect(message.answers.first?.type == .soa)
        #expect(message.additional.map(\.type) == [RecordType(65534)])
        #expect(message.edns?.dnssecOK == true)
    }

    @Test("a record cut short after the question throws")
    func truncatedAdditional() {
        let bytes = header(ar: 1) + questionWire() + Array(optWire().prefix(7))
        expectWireError(.truncated) { _ = try parseQuery(bytes) }
    }
}

@Suite("RFC 6891 OPT record")
struct OPTRecordTests {
    @Test("EDNS writes a root-owned OPT record and reads it back")
    func roundTrip() throws {
        let edns = EDNS(udpPayloadSize: 1400, extendedRcode: 1, version: 0, dnssecOK: true,
                        options: [EDNS.Option(code: 10, data: Array(repeating: 0xAB, count: 24))])
        let message = Message(header: Header(id: 3, flags: 0x8000), questions: [Question(name: name("example."), type: .a)],
                              edns: edns)
        let bytes = message.encoded()
        #expect(bytes.count == 12 + 9 + 4 + edns.wireSize)
        #expect(Array(bytes.suffix(edns.wireSize).prefix(11)) == hex("00 0029 0578 01008000 001c"))
        #expect(bytes[11] == 1, "ARCOUNT counts the OPT record")
        let parsed = try Message(parsing: bytes)
        #expect(parsed.edns == edns)
        #expect(parsed.additional.isEmpty)
        #expect(parsed.rcode == .badVers)
    }

    @Test("OPT outside the additional section is rejected")
    func notInAdditional() {
        let answer = header(an: 1) + questionWire() + optWire()
        expectWireError(.badOPT) { _ = try Message(parsing: answer) }
        let authority = header(ns: 1) + questionWire() + optWire()
        expectWireError(.badOPT) { _ = try Message(parsing: authority) }
    }

    @Test("OPT carried past its RDLENGTH is truncated input")
    func shortRData() {
        let bytes = header(ar: 1) + questionWire() + Array(optWire(rdata: [0, 10, 0, 0]).dropLast(2))
        expectWireError(.truncated) { _ = try Message(parsing: bytes) }
        expectWireError(.truncated) { _ = try parseQuery(bytes) }
    }
}

@Suite("RFC 1035 4.1.1 header")
struct HeaderTests {
    @Test("each flag accessor owns exactly its bit")
    func flagBits() {
        let accessors: [(WritableKeyPath<Header, Bool>, UInt16)] = [
            (\.isResponse, Header.qrBit), (\.isAuthoritative, Header.aaBit), (\.isTruncated, Header.tcBit),
            (\.recursionDesired, Header.rdBit), (\.recursionAvailable, Header.raBit),
        ]
        for (keyPath, bit) in accessors {
            var header = Header()
            header[keyPath: keyPath] = true
            #expect(header.flags == bit)
            var full = Header(flags: 0xFFFF)
            #expect(full[keyPath: keyPath])
            full[keyPath: keyPath] = false
            #expect(full.flags == 0xFFFF & ~bit)
        }
        #expect(Header(flags: 0x8583).isResponse && Header(flags: 0x8583).isAuthoritative)
        #expect(Header(flags: 0x8583).recursionDesired && Header(flags: 0x8583).recursionAvailable)
        #expect(!Header(flags: 0x8583).isTruncated)
    }

    @Test("opcode and RCODE fields keep the other bits")
    func opcodeAndRcode() {
        var header = Header(flags: Header.qrBit | Header.rdBit | Header.cdBit)
        header.opcode = .notify
        #expect(header.flags == 0x8000 | 0x2000 | 0x0100 | 0x0010)
        #expect(header.opcode == .notify)
        header.opcode = .update
        #expect(header.opcode == .update)
        #expect(header.flags & 0x7800 == 0x2800)
        header.rcodeLow = 0x13 // only the low four bits fit
        #expect(header.rcodeLow == 3)
        #expect(header.flags == 0x8000 | 0x2800 | 0x0100 | 0x0010 | 0x0003)
        header.opcode = Opcode(0x1F)
        #expect(header.opcode.rawValue == 0x0F)
        #expect(Header(flags: 0xFFFF).opcode.rawValue == 15)
        #expect(Header(flags: 0xFFFF).rcodeLow == 15)
    }

    @Test("12 octets round-trip; fewer are not a header")
    func wire() {
        let original = Header(id: 0xBEEF, flags: 0x8583, questionCount: 1, answerCount: 2, authorityCount: 3,
                              additionalCount: 0xFFFF)
        var bytes: [UInt8] = []
        original.write(to: &bytes)
        #expect(bytes == hex("beef 8583 0001 0002 0003 ffff"))
        #expect(bytes.withUnsafeBytes { Header($0) } == original)
        #expect(bytes.dropLast().withUnsafeBytes { Header($0) } == nil)
    }

    @Test("Message.rcode joins the header's low bits and EDNS's extended bits (RFC 6891 6.1.3)", arguments: [
        (UInt8(0), UInt8?.none, Rcode.noError),
        (3, nil, .nxDomain),
        (5, 0, .refused),
        (0, 1, .badVers),
        (1, 1, Rcode(17)),
        (15, 255, Rcode(4095)),
    ])
    func extendedRcode(low: UInt8, extended: UInt8?, expected: Rcode) {
        var header = Header()
        header.rcodeLow = low
        let message = Message(header: header, edns: extended.map { EDNS(extendedRcode: $0) })
        #expect(message.rcode == expected)
    }

    @Test func rcodeNames() {
        #expect(Rcode.badVers.rawValue == 16)
        #expect(Rcode.badVers.description == "BADVERS")
        #expect(Rcode.nxDomain.description == "NXDOMAIN")
        #expect(Rcode(23).description == "RCODE23")
    }
}

@Suite("Hot-path query parser: where the TSIG record is (RFC 8945 section 5.1)")
struct QueryTSIGTests {
    /// A TSIG record whose RDATA is not looked at by the parser.
    let tsig = recordWire(owner: wire("key", "example"), type: 250, rclass: 255, ttl: 0, rdata: [1, 2, 3])

    @Test("the offset of a last TSIG record is noted; an unsigned query has none")
    func noted() throws {
        let question = questionWire()
        #expect(try parseQuery(header(ar: 2) + question + optWire() + tsig).tsigStart == 12 + question.count + 11)
        #expect(try parseQuery(header(ar: 1) + question + tsig).tsigStart == 12 + question.count)
        #expect(try parseQuery(header(ar: 1) + question + optWire()).tsigStart == nil)
    }

    @Test("a TSIG record before another additional record, or in the answer or authority section, is misplaced")
    func misplaced() {
        let question = questionWire()
        expectWireError(.misplacedTSIG) { _ = try parseQuery(header(ar: 2) + question + tsig + optWire()) }
        expectWireError(.misplacedTSIG) { _ = try parseQuery(header(ar: 2) + question + tsig + tsig) }
        expectWireError(.misplacedTSIG) { _ = try parseQuery(header(an: 1) + question + tsig) }
        expectWireError(.misplacedTSIG) { _ = try parseQuery(header(ns: 1, ar: 1) + question + tsig + optWire()) }
    }
}
