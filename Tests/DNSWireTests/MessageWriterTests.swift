import DNSWire
import Testing

@Suite("RFC 1035 4.1.4 message compression: writing names")
struct MessageWriterCompressionTests {
    @Test("the RFC 1035 4.1.4 example encodes to the exact octets")
    func rfcExample() throws {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header())
        writer.writeName(name("F.ISI.ARPA."), compress: true)
        writer.writeName(name("FOO.F.ISI.ARPA."), compress: true)
        writer.writeName(name("ARPA."), compress: true)
        writer.writeName(.root, compress: true)
        #expect(writer.bytes == NameDecompressionTests.rfcExample)
        #expect(try readName(writer.bytes, at: 24).0 == name("FOO.F.ISI.ARPA."))
    }

    @Test("a small MX response encodes to the exact octets")
    func smallResponse() throws {
        let zone = name("example.com.")
        let message = Message(header: Header(id: 0x1234, flags: 0x8400),
                              questions: [Question(name: zone, type: .mx)],
                              answers: [Record(name: zone, type: .mx, ttl: 3600,
                                               rdata: .mx(preference: 10, exchange: name("mail.example.com.")))])
        let expected = hex("""
            1234 8400 0001 0001 0000 0000
            07 6578616d706c65 03 636f6d 00 000f 0001
            c00c 000f 0001 00000e10 0009 000a 04 6d61696c c00c
            """)
        #expect(message.encoded() == expected)
        #expect(try Message(parsing: expected).answers == message.answers)
    }

    @Test("compression matches names without regard to case")
    func caseInsensitive() {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header())
        writer.writeName(name("example.com."), compress: true)
        let second = writer.count
        writer.writeName(name("EXAMPLE.COM."), compress: true)
        #expect(Array(writer.bytes[second...]) == [0xC0, 12])
        let third = writer.count
        writer.writeName(name("Mail.ExAmple.cOm."), compress: true)
        #expect(Array(writer.bytes[third...]) == [4] + Array("Mail".utf8) + [0xC0, 12])
        let fourth = writer.count
        writer.writeName(name("MAIL.example.com."), compress: true)
        #expect(Array(writer.bytes[fourth...]) == [0xC0, UInt8(third)])
    }

    @Test("names are written in full when compression is off")
    func noCompression() {
        var writer = MessageWriter(limit: 512, compression: false)
        writer.writeName(name("example.com."), compress: true)
        writer.writeName(name("example.com."), compress: true)
        #expect(writer.bytes == wire("example", "com") + wire("example", "com"))
        var perName = MessageWriter(limit: 512)
        perName.writeHeader(Header())
        perName.writeName(name("example.com."), compress: true)
        perName.writeName(name("example.com."), compress: false)
        #expect(Array(perName.bytes[25...]) == wire("example", "com"))
    }

    @Test("SRV target is never compressed (RFC 2782, RFC 3597 section 4); MX exchange is")
    func srvTargetNotCompressed() throws {
        let zone = name("example.com.")
        let message = Message(header: Header(id: 1, flags: 0x8400),
                              questions: [Question(name: name("_sip._tcp.example.com."), type: .srv)],
                              answers: [
                                  Record(name: name("_sip._tcp.example.com."), type: .srv, ttl: 60,
                                         rdata: .srv(priority: 1, weight: 2, port: 5060, target: name("sip.example.com."))),
                                  Record(name: zone, type: .mx, ttl: 60,
                                         rdata: .mx(preference: 5, exchange: name("sip.example.com."))),
                              ])
        let bytes = message.encoded()
        let question = 12 + 23 + 4
        // SRV record: owner pointer (2) + fixed fields (10) + priority/weight/port (6), then the full target.
        let target = question + 2 + 10 + 6
        #expect(Array(bytes[target ..< target + 17]) == wire("sip", "example", "com"))
        // The MX exchange, written after, may point at the SRV target.
        #expect(Array(bytes.suffix(2)) == [0xC0, UInt8(target)])
        let parsed = try Message(parsing: bytes)
        #expect(parsed.answers == message.answers)
        #expect(RData.srv(priority: 1, weight: 2, port: 3, target: zone).uncompressedWire
            == [0, 1, 0, 2, 0, 3] + wire("example", "com"))
    }

    @Test("no pointer is made to a name past offset 0x3FFF")
    func pointerRange() throws {
        var writer = MessageWriter(limit: 65535)
        writer.writeHeader(Header())
        writer.append(Array(repeating: 0, count: 0x4000))
        let first = writer.count
        writer.writeName(name("example.com."), compress: true)
        writer.writeName(name("example.com."), compress: true)
        #expect(Array(writer.bytes[first...]) == wire("example", "com") + wire("example", "com"))
    }
}

@Suite("RFC 2181 9 truncation support: writer marks and roll-back")
struct MessageWriterRollbackTests {
    @Test("rollBack removes the bytes written after the mark")
    func removesBytes() {
        var writer = MessageWriter(limit: 40)
        writer.writeHeader(Header(id: 9))
        writer.writeQuestion(Question(name: name("example.com."), type: .a))
        let before = writer.bytes
        let mark = writer.mark()
        writer.writeRecord(Record(name: name("example.com."), type: .txt, ttl: 1,
                                  rdata: .txt([Array(repeating: 0x61, count: 40)])))
        #expect(writer.overflowed)
        writer.rollBack(to: mark)
        #expect(writer.bytes == before)
        #expect(!writer.overflowed)
    }

    @Test("a name written after a roll-back never points into removed bytes")
    func removesTargets() throws {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header(id: 9, flags: 0x8400, questionCount: 1, answerCount: 1))
        writer.writeQuestion(Question(name: name("example.com."), type: .ns))
        let mark = writer.mark()
        let removedStart = writer.count
        writer.writeRecord(Record(name: name("example.com."), type: .ns, ttl: 1, rdata: .ns(name("ns1.example.org."))))
        writer.writeName(name("ns1.example.org."), compress: true)
        // Before the roll-back the RDATA name at 41 is a target.
        #expect(Array(writer.bytes.suffix(2)) == [0xC0, 41])
        writer.rollBack(to: mark)
        #expect(writer.count == removedStart)

        // After the roll-back: the question is still a target, the removed ns1.example.org. is not.
        writer.writeRecord(Record(name: name("www.example.com."), type: .ns, ttl: 1, rdata: .ns(name("ns1.example.org."))))
        let bytes = writer.bytes
        #expect(Array(bytes[removedStart ..< removedStart + 6]) == [3] + Array("www".utf8) + [0xC0, 12])
        #expect(Array(bytes.suffix(17)) == wire("ns1", "example", "org"))
        let message = try Message(parsing: bytes)
        #expect(message.answers.map(\.rdata) == [.ns(name("ns1.example.org."))])
        #expect(message.answers.map(\.name) == [name("www.example.com.")])
    }

    /// Answers owned by the question's name get a pointer to it without a search; the name they compare with is
    /// the question in the message, never one rolled back (or reset) away.
    @Test("a name equal to the question points to offset 12; after the question is rolled back or reset, to the new one only")
    func questionShortcut() throws {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header(id: 9, flags: 0x8400, questionCount: 1))
        let beforeQuestion = writer.mark()
        writer.writeQuestion(Question(name: name("mail.example.com."), type: .mx))
        writer.writeName(name("mail.example.com."), compress: true)
        #expect(Array(writer.bytes.suffix(2)) == [0xC0, 12])

        writer.rollBack(to: beforeQuestion)
        writer.writeQuestion(Question(name: name("www.example.com."), type: .a))
        writer.writeName(name("mail.example.com."), compress: true)
        // mail + a pointer to example.com. inside the new question (offset 16), not a pointer to offset 12.
        #expect(Array(writer.bytes.suffix(7)) == [4] + Array("mail".utf8) + [0xC0, 16])
        writer.writeName(name("www.example.com."), compress: true)
        #expect(Array(writer.bytes.suffix(2)) == [0xC0, 12])

        writer.reset(limit: 512)
        writer.writeHeader(Header(id: 10, flags: 0x8400, questionCount: 1))
        writer.writeQuestion(Question(name: name("other.example."), type: .a))
        writer.writeName(name("www.example.com."), compress: true)
        #expect(Array(writer.bytes.suffix(17)) == wire("www", "example", "com"))
    }

    @Test("nested marks roll back independently")
    func nestedMarks() throws {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header())
        let outer = writer.mark()
        writer.writeName(name("a.example."), compress: true)
        let inner = writer.mark()
        writer.writeName(name("b.example."), compress: true)
        writer.rollBack(to: inner)
        #expect(writer.bytes == [UInt8](repeating: 0, count: 12) + wire("a", "example"))
        writer.writeName(name("c.b.example."), compress: true)
        #expect(Array(writer.bytes.suffix(6)) == [1, 99, 1, 98, 0xC0, 14])
        writer.rollBack(to: outer)
        writer.writeName(name("example."), compress: true)
        #expect(writer.bytes == [UInt8](repeating: 0, count: 12) + wire("example"))
    }

    @Test("reset empties the writer and its targets; patchCounts rewrites the header")
    func resetAndPatch() {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header())
        writer.writeName(name("example."), compress: true)
        writer.reset(limit: 100)
        #expect(writer.count == 0 && writer.limit == 100)
        writer.writeHeader(Header())
        writer.writeName(name("example."), compress: true)
        #expect(Array(writer.bytes[12...]) == wire("example"))
        writer.patchCounts(answer: 1, authority: 2, additional: 0x0304)
        #expect(Array(writer.bytes[6 ..< 12]) == [0, 1, 0, 2, 3, 4])
    }

    @Test("reset keeps the reserved octets free below the limit asked for, until the reserve is given back")
    func reserved() {
        var writer = MessageWriter(limit: 512)
        writer.reserved = 100
        writer.reset(limit: 512)
        #expect(writer.limit == 412)
        writer.reset(limit: 65535)
        #expect(writer.limit == 65435)
        writer.reserved = 0
        writer.reset(limit: 512)
        #expect(writer.limit == 512)
    }
}

@Suite("RecordList: records stored as uncompressed wire form")
struct RecordListTests {
    @Test("encode then decode gives the same records; names are not compressed; a cut list is an error")
    func roundTrip() throws {
        let origin = try Name("Example.com.")
        let records = [
            Record(name: origin, type: .mx, ttl: 300, rdata: .mx(preference: 10, exchange: try Name("mail.example.com."))),
            Record(name: try Name("www.example.com."), type: .a, ttl: 60, rdata: .a([192, 0, 2, 1])),
            Record(name: origin, type: .txt, ttl: 0, rdata: .txt([Array("v=spf1 -all".utf8), []])),
        ]
        let bytes = RecordList.encode(records)
        #expect(try RecordList.decode(bytes) == records)
        // No compression: every record takes its owner's full wire form plus its uncompressed RDATA.
        #expect(bytes.count == records.reduce(0) { $0 + $1.name.wire.count + 10 + $1.rdata.uncompressedWire.count })
        #expect(try RecordList.decode([]) == [])
        #expect(throws: WireError.self) { try RecordList.decode(Array(bytes.dropLast())) }
    }

    /// A zone's journal replayed on its stored version in one pass must give what applying each change in turn
    /// gives: every copy of a removed record gone (owner in any case), added records last, the SOA first.
    @Test("changes applied in one pass give what applying them one at a time gives")
    func applyingChanges() throws {
        func soa(_ serial: UInt32) throws -> Record {
            Record(name: try Name("example."), type: .soa, ttl: 60, rdata: .soa(SOA(
                mname: try Name("ns.example."), rname: try Name("h.example."), serial: serial, refresh: 1, retry: 1,
                expire: 1, minimum: 1)))
        }
        func record(_ n: Int, upper: Bool = false) throws -> Record {
            Record(name: try Name(upper ? "R\(n).EXAMPLE." : "r\(n).example."), type: .txt, ttl: 60,
                   rdata: .txt([Array("\(n)".utf8)]))
        }
        func oneAtATime(_ changes: [(removed: [Record], added: [Record])], _ records: [Record]) -> [Record] {
            changes.reduce(records) { records, change in
                let gone = change.removed.map { var key = $0; key.name = $0.name.lowercased(); return key }
                let kept = records.filter { record in
                    var key = record
                    key.name = record.name.lowercased()
                    return record.type == .soa || !gone.contains(key)
                }
                let newSOA = change.added.first { $0.type == .soa }
                return kept.map { $0.type == .soa ? newSOA ?? $0 : $0 } + change.added.filter { $0.type != .soa }
            }
        }
        let base = try [soa(1)] + (0 ..< 5).map { try record($0) }
        let changes: [(removed: [Record], added: [Record])] = [
            ([try soa(1), try record(1)], [try soa(2), try record(6), try record(7)]),
            ([try soa(2), try record(6, upper: true)], [try soa(3), try record(1)]),
            ([try soa(3), try record(7), try record(1)], [try soa(4), try record(1), try record(1)]),
        ]
        let replayed = RecordList.applying(changes, to: base)
        #expect(replayed == [try soa(4), try record(0), try record(2), try record(3), try record(4), try record(1), try record(1)])
        #expect(replayed == oneAtATime(changes, base))
        var random = SplitMix64(seed: 99)
        for _ in 0 ..< 200 {
            var changes: [(removed: [Record], added: [Record])] = []
            for step in 0 ..< Int.random(in: 0 ... 6, using: &random) {
                let removed = try (0 ..< Int.random(in: 0 ... 3, using: &random)).map { _ in
                    try record(Int.random(in: 0 ..< 10, using: &random), upper: Bool.random(using: &random)) }
                let added = try (0 ..< Int.random(in: 0 ... 3, using: &random)).map { _ in
                    try record(Int.random(in: 0 ..< 10, using: &random), upper: Bool.random(using: &random)) }
                changes.append((removed, [try soa(UInt32(step + 2))] + added))
            }
            #expect(RecordList.applying(changes, to: base) == oneAtATime(changes, base))
        }
    }
}

/// Regression: a name with a repeated label (`a.a.example.org.`) made `writeName` compare the second label with
/// the suffix it had just registered for the first, whose bytes were not all written yet, and read past the end
/// of the message: one query of that shape killed the server (found again by `scripts/fuzz query-path` from its
/// seeds in under a second; inputs in Fuzz/corpus/query-path/crash-repeated-label-*).
@Suite("Compression of names with repeated labels")
struct RepeatedLabelCompressionTests {
    static let names = ["a.a.example.org.", "www.www.x.example.", "A.a.A.a.", "x.x.x.x.x.x.", "a.b.a.b.c.",
                        "example.example.com.com.", "mail.mail.mail.", "a.b.c.a.b.c.a.b.c."]

    @Test("a name with repeated labels is written in full and reads back", arguments: names)
    func writesAndReadsBack(text: String) throws {
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header(questionCount: 1))
        writer.writeQuestion(Question(name: name(text), type: .a))
        #expect(Array(writer.bytes[12 ..< writer.count - 4]) == name(text).wire)
        #expect(try Message(parsing: writer.bytes).questions[0].name == name(text))
    }

    @Test("the same name again, and its suffixes, still compress to it", arguments: names)
    func laterNamesCompress(text: String) throws {
        let first = name(text)
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header(questionCount: 1, answerCount: 1))
        writer.writeQuestion(Question(name: first, type: .a))
        writer.writeRecord(Record(name: first, type: .cname, ttl: 60, rdata: .cname(first)))
        // The owner and the CNAME target are both pointers to the question.
        #expect(Array(writer.bytes[writer.count - 2 ..< writer.count]) == [0xC0, 12])
        #expect(Array(writer.bytes[writer.count - 14 ..< writer.count - 12]) == [0xC0, 12])
        let parsed = try Message(parsing: writer.bytes)
        #expect(parsed.answers[0].name == first)
        #expect(parsed.answers[0].rdata == .cname(first))
    }
}

/// `writeName` looks for the longest suffix of a name among the names and suffixes already written, at label starts
/// only, and takes a shortcut for a name equal to the question. These tests hold it to an exhaustive search.
@Suite("Compression: the longest suffix already written")
struct CompressionSearchTests {
    /// A label whose octets read like a shorter name (`x` 0x01 `a`, then the root, ends like `a.`) is not a suffix
    /// that can point to `a.`: it starts inside a label.
    @Test("a suffix of the right length that starts inside a label is never pointed to")
    func onlyAtLabelStarts() throws {
        let short = try Name(wire: [1, 0x61, 0])
        let tricky = try Name(wire: [3, 0x78, 1, 0x61, 0])
        var writer = MessageWriter(limit: 512)
        writer.writeHeader(Header(questionCount: 2))
        writer.writeQuestion(Question(name: short, type: .a))
        let second = writer.count
        writer.writeQuestion(Question(name: tricky, type: .a))
        #expect(Array(writer.bytes[second ..< second + 5]) == tricky.wire)
        #expect(try Message(parsing: writer.bytes).questions.map(\.name) == [short, tricky])
    }

    /// The longest suffix, found by exhaustive search: every label start of the name in order, every suffix written
    /// in full in the order written; the first equal pair wins. The root is written as itself.
    private struct Reference {
        var message: [UInt8] = Array(repeating: 0, count: Header.size)
        var targets: [(offset: Int, suffix: [UInt8])] = []

        mutating func write(_ name: Name) {
            let wire = name.lowercased().wire
            let start = message.count
            var position = 0
            while wire[position] != 0 {
                if let target = targets.first(where: { $0.suffix == Array(wire[position...]) }) {
                    message += name.wire[..<position] + [0xC0 | UInt8(target.offset >> 8), UInt8(target.offset & 0xFF)]
                    return
                }
                targets.append((start + position, Array(wire[position...])))
                position += 1 + Int(wire[position])
            }
            message += name.wire
        }
    }

    @Test("random names sharing labels are written as the exhaustive search writes them, and read back")
    func sameAsExhaustiveSearch() throws {
        // Labels that repeat, differ in case, are prefixes of one another, or hold octets that read as lengths.
        let labels: [[UInt8]] = [Array("a".utf8), Array("A".utf8), Array("ab".utf8), Array("b".utf8),
                                 Array("mail".utf8), Array("MAIL".utf8), [0x78, 1, 0x61], [1, 0x61], [0], [2, 1, 0]]
        var random = SplitMix64(seed: 13)
        for _ in 0 ..< 300 {
            var writer = MessageWriter(limit: 4096)
            writer.writeHeader(Header())
            var reference = Reference()
            var names: [Name] = []
            for _ in 0 ..< Int.random(in: 1 ... 12, using: &random) {
                let picked = (0 ..< Int.random(in: 0 ... 5, using: &random)).map { _ in labels.randomElement(using: &random)! }
                let name = try Name(labels: picked)
                names.append(name)
                writer.writeName(name, compress: true)
                reference.write(name)
                #expect(writer.bytes == reference.message)
            }
            try writer.withUnsafeBytes { message in
                var reader = WireReader(message, offset: Header.size)
                for name in names {
                    let read = try reader.readName("name")
                    #expect(read.lowercased() == name.lowercased())
                }
            }
        }
    }
}
