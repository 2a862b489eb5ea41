import DNSWire
import Testing

/// A record and a label for test output.
struct RecordCase: CustomTestStringConvertible, Sendable {
    let label: String
    let record: Record
    var testDescription: String { label }
}

@Suite("RFC 1035 3.3 / RFC 3596 / RFC 2782 / RFC 8659 RDATA round trips")
struct RDataRoundTripTests {
    static let owner = name("example.com.")

    static let cases: [RecordCase] = [
        RecordCase(label: "A", record: Record(name: owner, type: .a, ttl: 300, rdata: .a([192, 0, 2, 1]))),
        RecordCase(label: "AAAA", record: Record(name: owner, type: .aaaa, ttl: 300,
                                                 rdata: .aaaa(hex("20010db8000000000000000000000001")))),
        RecordCase(label: "NS", record: Record(name: owner, type: .ns, ttl: 86400, rdata: .ns(name("ns1.example.net.")))),
        RecordCase(label: "CNAME", record: Record(name: name("www.example.com."), type: .cname, ttl: 60,
                                                  rdata: .cname(name("example.com.")))),
        RecordCase(label: "PTR", record: Record(name: name("1.2.0.192.in-addr.arpa."), type: .ptr, ttl: 60,
                                                rdata: .ptr(name("host.example.com.")))),
        RecordCase(label: "SOA", record: Record(name: owner, type: .soa, ttl: 3600, rdata: .soa(SOA(
            mname: name("ns1.example.com."), rname: name("hostmaster.example.com."), serial: 4_294_967_295,
            refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 300)))),
        RecordCase(label: "MX", record: Record(name: owner, type: .mx, ttl: 3600,
                                               rdata: .mx(preference: 10, exchange: name("mail.example.com.")))),
        RecordCase(label: "MX null (RFC 7505)", record: Record(name: owner, type: .mx, ttl: 3600,
                                                                rdata: .mx(preference: 0, exchange: .root))),
        RecordCase(label: "TXT several strings and an empty one", record: Record(name: owner, type: .txt, ttl: 3600,
            rdata: .txt([Array("v=spf1 -all".utf8), [], Array("third \"quoted\"".utf8)]))),
        RecordCase(label: "TXT single empty string", record: Record(name: owner, type: .txt, ttl: 3600, rdata: .txt([[]]))),
        RecordCase(label: "TXT 255-octet string", record: Record(name: owner, type: .txt, ttl: 3600,
                                                                  rdata: .txt([Array(repeating: 0x41, count: 255), [0, 255]]))),
        RecordCase(label: "SRV", record: Record(name: name("_sip._tcp.example.com."), type: .srv, ttl: 3600,
            rdata: .srv(priority: 10, weight: 60, port: 5060, target: name("sip.example.com.")))),
        RecordCase(label: "CAA", record: Record(name: owner, type: .caa, ttl: 3600,
            rdata: .caa(flags: 0, tag: Array("issue".utf8), value: Array("letsencrypt.org".utf8)))),
        RecordCase(label: "CAA critical, empty value", record: Record(name: owner, type: .caa, ttl: 3600,
            rdata: .caa(flags: 128, tag: Array("issuewild".utf8), value: []))),
        RecordCase(label: "TYPE65534 opaque", record: Record(name: owner, type: RecordType(65534), ttl: 0,
                                                              rdata: .opaque([0x01, 0x02, 0x03, 0x00, 0xFF]))),
        RecordCase(label: "TYPE65534 empty", record: Record(name: owner, type: RecordType(65534), ttl: 0,
                                                             rdata: .opaque([]))),
        RecordCase(label: "DS kept opaque", record: Record(name: owner, type: .ds, ttl: 0,
                                                            rdata: .opaque(hex("e2d3 0d 02 0102030405")))),
        RecordCase(label: "unknown class CLASS42", record: Record(name: owner, type: .a, rclass: RecordClass(42),
                                                                   ttl: 1, rdata: .a([10, 0, 0, 1]))),
    ]

    @Test("encode then parse returns the same record", arguments: cases)
    func roundTrip(testCase: RecordCase) throws {
        let record = testCase.record
        let message = Message(header: Header(id: 7, flags: 0x8400),
                              questions: [Question(name: record.name, type: record.type)],
                              answers: [record], authority: [record], additional: [record])
        let bytes = message.encoded()
        let parsed = try Message(parsing: bytes)
        #expect(parsed.answers == [record])
        #expect(parsed.authority == [record])
        #expect(parsed.additional == [record])
        #expect(parsed.questions == message.questions)
        #expect(parsed.header.answerCount == 1 && parsed.header.authorityCount == 1 && parsed.header.additionalCount == 1)
        #expect(parsed.encoded() == bytes)
        // The uncompressed form parses as the same RDATA too.
        let flat = record.rdata.uncompressedWire
        let plain = Array(repeating: UInt8(0), count: 12) + flat
        let reread: Result<RData, WireError> = plain.withUnsafeBytes { buffer in
            Result { () throws(WireError) in
                var reader = WireReader(buffer, offset: 12)
                return try RData.read(type: record.type, length: flat.count, from: &reader)
            }
        }
        #expect(try reread.get() == record.rdata)
    }

    @Test("RDATA decoded again hashes as the value it was encoded from, its length is counted right, and every case is told apart in a set")
    func hashing() throws {
        var seen: Set<RData> = []
        for item in Self.cases {
            let wire = item.record.rdata.uncompressedWire
            let again = try wire.withUnsafeBytes { raw in
                var reader = WireReader(raw)
                return try RData.read(type: item.record.type, length: raw.count, from: &reader)
            }
            #expect(again == item.record.rdata && again.hashValue == item.record.rdata.hashValue, "\(item.label)")
            #expect(item.record.rdata.uncompressedLength == wire.count, "\(item.label)")
            seen.insert(again)
        }
        // As many as there are values that `==` tells apart.
        var distinct: [RData] = []
        for item in Self.cases where !distinct.contains(item.record.rdata) { distinct.append(item.record.rdata) }
        #expect(seen.count == distinct.count)
        #expect(Set<RData>([.txt([[1, 2]]), .txt([[1], [2]]), .opaque([1, 2]), .a([1, 2])]).count == 4)
    }

    @Test("RFC 3597 generic text for unknown types")
    func unknownTypeText() {
        #expect(RecordType(mnemonic: "TYPE65534") == RecordType(65534))
        #expect(RecordType(mnemonic: "type65534") == RecordType(65534))
        #expect(RecordType(mnemonic: "mx") == .mx)
        #expect(RecordType(mnemonic: "TYPE65536") == nil)
        #expect(RecordType(mnemonic: "BOGUS") == nil)
        #expect(RecordType(65534).description == "TYPE65534")
        #expect(RecordType(15).description == "MX")
        #expect(RecordClass(mnemonic: "class42") == RecordClass(42))
        #expect(RecordClass(42).description == "CLASS42")
        #expect(RDataText.format(.opaque([0x01, 0xAB, 0x00]), type: RecordType(65534)) == ##"\# 3 01AB00"##)
        #expect(RDataText.format(.opaque([]), type: RecordType(65534)) == ##"\# 0"##)
        let record = Record(name: name("example.com."), type: RecordType(65534), ttl: 0, rdata: .opaque([0xFF]))
        #expect(record.description == ##"example.com. 0 IN TYPE65534 \# 1 FF"##)
        #expect(RecordType.any.isMetaType && RecordType.axfr.isMetaType && RecordType.opt.isMetaType)
        #expect(!RecordType.a.isMetaType && !RecordType(65534).isMetaType)
    }

    @Test("presentation text of decoded types", arguments: [
        (RData.a([192, 0, 2, 1]), RecordType.a, "192.0.2.1"),
        (.aaaa(hex("20010db8000000000000000000000001")), .aaaa, "2001:db8::1"),
        (.aaaa(hex("00000000000000000000000000000000")), .aaaa, "::"),
        (.aaaa(hex("20010db8000000010000000000000001")), .aaaa, "2001:db8:0:1::1"),
        (.aaaa(hex("20010db8000000010001000100010001")), .aaaa, "2001:db8:0:1:1:1:1:1"),
        (.aaaa(hex("20010db8000000000001000000000001")), .aaaa, "2001:db8::1:0:0:1"), // RFC 5952 4.2.3: first of equal runs
        (.mx(preference: 0, exchange: .root), .mx, "0 ."),
        (.txt([Array(#"a"b\c"#.utf8), [0x0A]]), .txt, #""a\"b\\c" "\010""#),
        (.caa(flags: 128, tag: Array("iodef".utf8), value: Array("mailto:a@example.com".utf8)), .caa,
         #"128 iodef "mailto:a@example.com""#),
    ])
    func presentation(rdata: RData, type: RecordType, text: String) {
        #expect(RDataText.format(rdata, type: type) == text)
    }
}

@Suite("RFC 1035 3.2.1 RDLENGTH must match RDATA")
struct RDataLengthTests {
    /// A response with one answer record for the question `example.com.`.
    static func response(_ record: [UInt8]) -> [UInt8] {
        header(flags: 0x8400, qd: 1, an: 1) + questionWire() + record
    }

    @Test("mismatched RDATA is rejected", arguments: [
        ("A with RDLENGTH 5", recordWire(type: 1, rdata: [192, 0, 2, 1, 9]), WireError.Kind.badRData),
        ("A with RDLENGTH 3", recordWire(type: 1, rdata: [192, 0, 2]), .badRData),
        ("AAAA with RDLENGTH 4", recordWire(type: 28, rdata: [1, 2, 3, 4]), .badRData),
        ("NS name shorter than RDLENGTH", recordWire(type: 2, rdata: wire("ns1") + [0]), .badRData),
        ("NS name longer than RDLENGTH", recordWire(type: 2, rdlength: 3, rdata: wire("ns1")) + [0, 0], .badRData),
        ("MX with a trailing octet", recordWire(type: 15, rdata: [0, 10, 0xC0, 12, 0xFF]), .badRData),
        ("SOA missing MINIMUM", recordWire(type: 6, rdlength: 20, rdata: [0, 0] + Array(repeating: 0, count: 16))
            + Array(repeating: 0, count: 4), .badRData),
        ("SRV with a trailing octet", recordWire(type: 33, rdata: [0, 1, 0, 1, 0, 53, 0, 0xEE]), .badRData),
        ("TXT string overrunning RDLENGTH", recordWire(type: 16, rdlength: 4, rdata: [5, 97, 98, 99]) + [100, 101],
         .badRData),
        ("TXT second string overrunning RDLENGTH", recordWire(type: 16, rdata: [1, 97, 3, 98]), .badRData),
        ("TXT with RDLENGTH 0", recordWire(type: 16, rdata: []), .badRData),
        ("CAA with tag length 0", recordWire(type: 257, rdata: [0, 0, 97]), .badRData),
        ("CAA tag overrunning RDLENGTH", recordWire(type: 257, rdata: [0, 9, 97, 98]), .badRData),
        // RDLENGTH 0 at the very end: the flags octet itself is missing.
        ("CAA with RDLENGTH 0", recordWire(type: 257, rdata: []), .truncated),
        ("RDLENGTH past the end of the message", recordWire(type: 65534, rdlength: 10, rdata: [1, 2]), .truncated),
    ])
    func mismatch(label: String, record: [UInt8], kind: WireError.Kind) {
        expectWireError(kind, Comment(rawValue: label)) { _ = try Message(parsing: Self.response(record)) }
    }

    @Test("errors say where: field and offset")
    func errorLocation() {
        let bytes = Self.response(recordWire(type: 1, rdata: [192, 0, 2, 1, 9]))
        do {
            _ = try Message(parsing: bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .badRData)
            #expect(error.field == "A")
            #expect(error.offset == 12 + 17 + 12)
            #expect(error.description == "badRData in A at offset 41")
        }
    }
}

/// Zones keep every record's uncompressed RDATA: it must hold its own octets, not a message writer's buffer.
@Suite struct UncompressedWireSizeTests {
    @Test func holdsJustItsOctets() throws {
        let cases: [RData] = [.a([192, 0, 2, 1]), .txt([Array("v=spf1 -all".utf8)]), .mx(preference: 10, exchange: try Name("mx.example."))]
        for rdata in cases {
            let wire = rdata.uncompressedWire
            #expect(wire.capacity < wire.count + 64, "\(rdata): \(wire.count) octets in a buffer of \(wire.capacity)")
        }
    }
}
