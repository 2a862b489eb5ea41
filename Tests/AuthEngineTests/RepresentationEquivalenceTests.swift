@testable import AuthEngine
import DNSWire
import Testing

/// An RRset keeps its RDATA in one of several compact forms (decoded, one wire buffer, a single name), and a start
/// serves generated zones from their stored bytes rather than from the records they were generated as. Neither
/// may change a single answer octet: for random mail-like zones (apex SOA, NS with and without glue, MX, SPF and
/// long DKIM TXT, DMARC, CNAMEs, PTRs, addresses, a delegation, sometimes a wildcard), every set written from its
/// compact form equals its records written one by one, and every query, in random case, with and without EDNS, over
/// UDP and TCP, gets the same bytes from the zone built from the records and from the zone built from their stored
/// bytes.
@Suite("Compact RRset forms and stored zones answer byte for byte as their records")
struct RepresentationEquivalenceTests {
    /// Seeded choices (`SplitMix64`): the same zones on every run.
    struct Random {
        var generator: SplitMix64

        init(seed: UInt64) { generator = SplitMix64(seed: seed) }

        mutating func next() -> UInt64 { generator.next() }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

        mutating func label(_ length: Int = 0) -> String {
            let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            return String((0 ..< (length > 0 ? length : 1 + below(12))).map { _ in letters[below(letters.count)] })
        }

        mutating func text(_ length: Int) -> [UInt8] {
            (0 ..< length).map { _ in UInt8(0x20 + below(0x5F)) }
        }
    }

    /// A random mail-like zone and the names worth asking about.
    static func zone(_ random: inout Random) throws -> (origin: Name, records: [Record], names: [Name]) {
        let origin = try Name("\(random.label()).\(random.label(3)).example.")
        func name(_ text: String) throws -> Name { try Name(text, origin: origin) }
        func strings(_ length: Int) -> [[UInt8]] {
            var text = random.text(length)
            var parts: [[UInt8]] = []
            repeat {
                parts.append(Array(text.prefix(255)))
                text = Array(text.dropFirst(255))
            } while !text.isEmpty
            return parts
        }
        let ttl = UInt32(60 + random.below(86_400))
        var records = [Record(name: origin, type: .soa, ttl: ttl, rdata: .soa(SOA(
            mname: try Name("ns1.provider.test."), rname: try Name("hostmaster.provider.test."),
            serial: UInt32(truncatingIfNeeded: random.next()), refresh: 7200, retry: 900, expire: 1_209_600,
            minimum: UInt32(random.below(3600)))))]
        var names = [origin]
        // NS: the provider's, or in the zone with glue (additional addresses).
        let glued = random.chance(40)
        for index in 1 ... 1 + random.below(3) {
            let target = glued ? try name("ns\(index)") : try Name("ns\(index).provider.test.")
            records.append(Record(name: origin, type: .ns, ttl: ttl, rdata: .ns(target)))
            if glued {
                records.append(Record(name: target, type: .a, ttl: ttl, rdata: .a([192, 0, 2, UInt8(index)])))
                names.append(target)
            }
        }
        for preference in 0 ..< 1 + random.below(2) {
            records.append(Record(name: origin, type: .mx, ttl: ttl,
                                  rdata: .mx(preference: UInt16(10 * preference), exchange: try Name("mail.provider.test."))))
        }
        records.append(Record(name: origin, type: .txt, ttl: ttl, rdata: .txt(strings(10 + random.below(300)))))
        let dmarc = try name("_dmarc")
        records.append(Record(name: dmarc, type: .txt, ttl: ttl, rdata: .txt(strings(40 + random.below(80)))))
        let selector = random.label()
        let dkim = try name("\(selector)._domainkey")
        records.append(Record(name: dkim, type: .txt, ttl: ttl, rdata: .txt(strings(300 + random.below(900)))))
        names += [dmarc, dkim, try name("_domainkey"), try name("missing"), try name("x.\(selector)._domainkey")]
        for _ in 0 ..< random.below(4) {
            let host = try name(random.label())
            names.append(host)
            switch random.below(4) {
            case 0:
                let target = random.chance(50) ? dkim : try Name("elsewhere.example.net.")
                records.append(Record(name: host, type: .cname, ttl: ttl, rdata: .cname(target)))
            case 1:
                records.append(Record(name: host, type: .ptr, ttl: ttl, rdata: .ptr(try Name("host.example.net."))))
            case 2:
                records.append(Record(name: host, type: .a, ttl: ttl,
                                      rdata: .a([198, 51, 100, UInt8(random.below(256))])))
                records.append(Record(name: host, type: .aaaa, ttl: ttl,
                                      rdata: .aaaa([0x20, 0x01, 0x0d, 0xb8] + random.text(12))))
            default:
                // A delegation with glue below it.
                let server = try Name("ns.\(host)")
                records.append(Record(name: host, type: .ns, ttl: ttl, rdata: .ns(server)))
                records.append(Record(name: server, type: .a, ttl: ttl, rdata: .a([203, 0, 113, 1])))
                names += [server, try Name("deep.\(host)")]
            }
        }
        if random.chance(30) {
            records.append(Record(name: try name("*.w"), type: .txt, ttl: ttl, rdata: .txt([Array("wild".utf8)])))
            names += [try name("any.w"), try name("w")]
        }
        return (origin, records, names)
    }

    /// The name with each ASCII letter's case flipped at random (what 0x20 resolvers send).
    static func randomCase(_ name: Name, _ random: inout Random) -> Name {
        Name(uncheckedWire: name.wire.map { byte in
            (0x41 ... 0x5A).contains(byte) || (0x61 ... 0x7A).contains(byte) ? (random.chance(50) ? byte ^ 0x20 : byte) : byte
        })
    }

    static func answer(_ store: ZoneStore, _ query: [UInt8], _ transport: Transport) -> [UInt8]? {
        let responder = Responder(store: store)
        var writer = MessageWriter(limit: 65535)
        var reader = responder.makeReader()
        let answered = query.withUnsafeBytes { responder.respond(to: $0, over: transport, into: &writer, reader: &reader) }
        return answered ? writer.bytes : nil
    }

    @Test("every set written from its compact form equals its records written one by one, after other names")
    func setsAsRecords() throws {
        var random = Random(seed: 20_261_206)
        var forms: Set<String> = []
        for _ in 0 ..< 300 {
            let (origin, records, _) = try Self.zone(&random)
            let zone = try Zone(origin: origin, records: records)
            for owner in Set(records.map { $0.name.lowercased() }) {
                for set in try #require(zone.node(owner)).rrsets(at: owner) {
                    forms.insert("\(set.storage)".prefix { $0 != "(" }.description)
                    // Names already in the message, so compression pointers are exercised alike.
                    var compact = MessageWriter(limit: 65535), plain = MessageWriter(limit: 65535)
                    compact.writeRecord(zone.soa.records[0])
                    plain.writeRecord(zone.soa.records[0])
                    #expect(set.write(as: set.owner, to: &compact))
                    for record in set.records { plain.writeRecord(record) }
                    #expect(compact.bytes == plain.bytes, "\(set.owner) \(set.type)")
                }
            }
        }
        #expect(forms == ["decoded", "encoded", "name"], "every form was met")
    }

    @Test("a zone built from its stored bytes answers every query as the zone built from its records")
    func storedBytesAnswerAlike() throws {
        var random = Random(seed: 4_242)
        let types: [RecordType] = [.a, .aaaa, .ns, .mx, .txt, .soa, .cname, .ptr, .any, .srv, .ds]
        var compared = 0
        for _ in 0 ..< 150 {
            let (origin, records, names) = try Self.zone(&random)
            let built = ZoneStore(ZoneSet([try Zone(origin: origin, records: records)]))
            let stored = ZoneStore(ZoneSet([try Zone(origin: origin, records: try RecordList.decode(RecordList.encode(records)))]))
            for name in names {
                for type in types {
                    let asked = Self.randomCase(name, &random)
                    var header = Header(id: UInt16(truncatingIfNeeded: random.next()), flags: Header.rdBit)
                    header.questionCount = 1
                    let edns: EDNS? = random.chance(50) ? EDNS(udpPayloadSize: random.chance(50) ? 1232 : 512) : nil
                    let query = Message(header: header, questions: [Question(name: asked, type: type)], edns: edns).encoded()
                    for transport in [Transport.udp, .tcp] {
                        let fromRecords = Self.answer(built, query, transport)
                        #expect(fromRecords != nil)
                        #expect(fromRecords == Self.answer(stored, query, transport), "\(asked) \(type) \(transport)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 10_000)
    }

    @Test("zones whose apex sets are shared with other zones answer, and list their records, as zones built alone")
    func sharedApexAnswersAlike() throws {
        var random = Random(seed: 77)
        let types: [RecordType] = [.ns, .mx, .txt, .soa, .a, .any, .cname]
        let sharing = SharedRData(capacity: 64)
        var compared = 0, sharedApexes = 0
        for _ in 0 ..< 60 {
            var (origin, records, names) = try Self.zone(&random)
            // The provider's sets, alike in every zone (a random SPF makes each zone's own).
            records = records.map { $0.name == origin && $0.type == .txt
                ? Record(name: origin, type: .txt, ttl: $0.ttl, rdata: .txt([Array("v=spf1 mx -all".utf8)])) : $0 }
            let alone = try Zone(origin: origin, records: records, sharing: nil)
            let shared = try Zone(origin: origin, records: records, sharing: sharing)
            if case .apex = shared.node(origin)!.sets { sharedApexes += 1 }
            // What a transfer and an export write: every record under its own owner.
            #expect(shared.records == alone.records)
            let (aloneStore, sharedStore) = (ZoneStore(ZoneSet([alone])), ZoneStore(ZoneSet([shared])))
            for name in names {
                for type in types {
                    var header = Header(id: UInt16(truncatingIfNeeded: random.next()), flags: Header.rdBit)
                    header.questionCount = 1
                    let query = Message(header: header, questions: [Question(name: Self.randomCase(name, &random), type: type)],
                                        edns: EDNS(udpPayloadSize: 1232)).encoded()
                    #expect(Self.answer(aloneStore, query, .udp) == Self.answer(sharedStore, query, .udp), "\(name) \(type)")
                    compared += 1
                }
            }
        }
        #expect(compared > 2_000 && sharedApexes > 10)
    }
}
