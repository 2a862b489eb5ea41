@testable import AuthEngine
import DNSWire
import Testing

/// A start reads a generated zone's stored octets straight into its zone (`StoredZoneReader`), and decodes any
/// other list into records first. Either way the zone must be the one its records build: the same records, the
/// same answer octets, the same errors.
@Suite("A zone read from its stored octets is the zone its records build")
struct StoredZoneReaderTests {
    typealias Random = RepresentationEquivalenceTests.Random

    /// A mail zone as the API generates it, with the provider's apex sets, sometimes a second DKIM selector, an
    /// address name, a wildcard, a duplicate record or a set of two.
    static func mailZone(_ random: inout Random) throws -> (origin: Name, records: [Record], names: [Name]) {
        let origin = try Name("\(random.label()).\(random.label(3)).example.")
        func name(_ text: String) throws -> Name { try Name(text, origin: origin) }
        let ttl: UInt32 = random.chance(80) ? 3600 : 300
        var records = [Record(name: origin, type: .soa, ttl: ttl, rdata: .soa(SOA(
            mname: try Name("ns1.provider.test."), rname: try Name("hostmaster.provider.test."),
            serial: UInt32(truncatingIfNeeded: random.next()), refresh: 7200, retry: 900, expire: 1_209_600,
            minimum: 300)))]
        for index in 1 ... 2 { records.append(Record(name: origin, type: .ns, ttl: ttl, rdata: .ns(try Name("ns\(index).provider.test.")))) }
        records.append(Record(name: origin, type: .mx, ttl: ttl, rdata: .mx(preference: 10, exchange: try Name("mx.provider.test."))))
        records.append(Record(name: origin, type: .txt, ttl: ttl, rdata: .txt([Array("v=spf1 include:provider.test -all".utf8)])))
        if random.chance(10) { records.append(records.last!) }
        var names = [origin, try name("_domainkey"), try name("missing")]
        for selector in random.chance(30) ? ["wm1", "wm2"] : ["wm1"] {
            let dkim = try name("\(selector)._domainkey")
            let key = random.text(200 + random.below(300))
            records.append(Record(name: dkim, type: .txt, ttl: ttl, rdata: .txt([Array(key.prefix(255)), Array(key.dropFirst(255))].filter { !$0.isEmpty })))
            if random.chance(10) { records.append(records.last!) }
            names.append(dkim)
        }
        let dmarc = try name("_dmarc")
        records.append(Record(name: dmarc, type: .txt, ttl: ttl, rdata: .txt([Array("v=DMARC1; p=none".utf8)])))
        if random.chance(20) { records.append(Record(name: dmarc, type: .txt, ttl: ttl + 1, rdata: .txt([random.text(20)]))) }
        names.append(dmarc)
        if random.chance(30) {
            let host = try name("host")
            records.append(Record(name: host, type: .a, ttl: ttl, rdata: .a([192, 0, 2, UInt8(random.below(256))])))
            records.append(Record(name: host, type: .aaaa, ttl: ttl, rdata: .aaaa([0x20, 0x01, 0x0d, 0xb8] + random.text(12))))
            names.append(host)
        }
        if random.chance(20) {
            records.append(Record(name: try name("*.w"), type: .txt, ttl: ttl, rdata: .txt([Array("wild".utf8)])))
            names += [try name("any.w"), try name("w")]
        }
        return (origin, records, names)
    }

    /// A zone built, or the error that stopped it.
    enum Built {
        case zone(Zone)
        case failed(String)
    }

    /// The zone of `list` built from its decoded records and read from its octets, with `sharing`; and the record
    /// count the reading gave its history.
    static func bothWays(_ origin: Name, _ list: [UInt8], sharing: SharedRData)
        -> (records: Built, read: Built, counted: Int?)
    {
        var counted: Int?
        let records: Built
        do { records = .zone(try Zone(origin: origin, records: try RecordList.decode(list), sharing: sharing)) }
        catch { records = .failed("\(error)") }
        let read: Built
        do {
            read = .zone(try list.withUnsafeBytes { bytes in
                try Zone(origin: origin, recordList: bytes, watch: nil, sharing: sharing) { count in
                    counted = count
                    return []
                }
            })
        } catch { read = .failed("\(error)") }
        return (records, read, counted)
    }

    /// Whether `list` is read straight (not decoded into records).
    static func isReadStraight(_ origin: Name, _ list: [UInt8], sharing: SharedRData) -> Bool {
        list.withUnsafeBytes { StoredZoneReader(origin: origin.lowercased(), sharing: sharing).read($0) != nil }
    }

    /// Expects the two zones to list the same records and answer `names` alike (random case, a few types).
    static func expectAlike(_ left: Zone, _ right: Zone, names: [Name], _ random: inout Random,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(left.records == right.records, sourceLocation: sourceLocation)
        #expect(left.hasWildcards == right.hasWildcards && left.hasCuts == right.hasCuts
            && left.negativeTTL == right.negativeTTL && left.nodes.count == right.nodes.count, sourceLocation: sourceLocation)
        let (leftStore, rightStore) = (ZoneStore(ZoneSet([left])), ZoneStore(ZoneSet([right])))
        for name in names {
            for type in [RecordType.soa, .ns, .mx, .txt, .a, .aaaa, .any, .cname] {
                var header = Header(id: UInt16(truncatingIfNeeded: random.next()), flags: Header.rdBit)
                header.questionCount = 1
                let query = Message(header: header, questions: [Question(name: RepresentationEquivalenceTests.randomCase(name, &random), type: type)],
                                    edns: random.chance(50) ? EDNS(udpPayloadSize: 1232) : nil).encoded()
                let transport: Transport = random.chance(50) ? .udp : .tcp
                #expect(RepresentationEquivalenceTests.answer(leftStore, query, transport)
                    == RepresentationEquivalenceTests.answer(rightStore, query, transport), "\(name) \(type)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    @Test("mail zones and random zones read from their octets list the same records and answer the same octets as built from records")
    func readAsBuilt() throws {
        var random = Random(seed: 2_026_1206)
        let sharing = SharedRData(capacity: 256)
        var straight = 0, decoded = 0
        for index in 0 ..< 400 {
            let (origin, records, names) = index % 4 == 3 ? try RepresentationEquivalenceTests.zone(&random)
                                                           : try Self.mailZone(&random)
            let list = RecordList.encode(records)
            let built = Self.bothWays(origin, list, sharing: sharing)
            guard case .zone(let fromRecords) = built.records, case .zone(let read) = built.read else {
                Issue.record("not built: \(built)")
                continue
            }
            #expect(built.counted == records.count, "the history is given the number of records, duplicates too")
            Self.expectAlike(fromRecords, read, names: names, &random)
            // Sets kept whole are the same objects whichever way the zone was built.
            if case .apex = fromRecords.node(origin)!.sets {
                for type in [RecordType.ns, .mx, .txt] {
                    #expect(fromRecords.node(origin)?.rrset(type) === read.node(origin)?.rrset(type))
                }
            }
            if Self.isReadStraight(origin, list, sharing: sharing) {
                straight += 1
                guard case .apex = read.node(origin)!.sets else {
                    Issue.record("a zone read straight keeps the apex array")
                    continue
                }
            } else {
                decoded += 1
            }
        }
        #expect(straight >= 250 && decoded >= 60, "both ways taken: \(straight) read straight, \(decoded) decoded")
    }

    @Test("lists out of a generated zone's shape are decoded and built as records: same zone, or the same error")
    func outOfShape() throws {
        let sharing = SharedRData(capacity: 64)
        let origin = try Name("shape.example.")
        func r(_ name: String, _ type: RecordType, _ rdata: RData, ttl: UInt32 = 300) throws -> Record {
            Record(name: try Name(name, origin: origin), type: type, ttl: ttl, rdata: rdata)
        }
        let soa = try r("@", .soa, .soa(SOA(mname: try Name("ns1.provider.test."), rname: try Name("h.provider.test."),
                                            serial: 7, refresh: 1, retry: 1, expire: 1, minimum: 60)))
        let ns = try r("@", .ns, .ns(try Name("ns1.provider.test.")))
        let mx = try r("@", .mx, .mx(preference: 10, exchange: try Name("mx.provider.test.")))
        let dmarc = try r("_dmarc", .txt, .txt([Array("v=DMARC1; p=none".utf8)]))
        let shaped = [soa, ns, mx, dmarc]
        #expect(Self.isReadStraight(origin, RecordList.encode(shaped), sharing: sharing), "the shape itself")
        var nine = shaped
        for index in 0 ..< 8 { nine.append(try r("n\(index)", .txt, .txt([[UInt8(index)]]))) }
        let cases: [(String, [Record])] = [
            ("an owner in upper case", [soa, ns, mx, try r("_DMARC", .txt, .txt([Array("v=DMARC1".utf8)]))]),
            ("the apex in upper case", [soa, Record(name: try Name("SHAPE.example."), type: .ns, ttl: 300, rdata: ns.rdata), dmarc]),
            ("an apex record after another name", [soa, ns, dmarc, mx]),
            ("a name in two runs", [soa, ns, dmarc, try r("x", .txt, .txt([[1]])), dmarc]),
            ("a type in two runs at a name", [soa, ns, try r("h", .txt, .txt([[1]])), try r("h", .a, .a([192, 0, 2, 1])),
                                              try r("h", .txt, .txt([[2]]))]),
            ("a type in two runs at the apex", [soa, ns, mx, try r("@", .ns, .ns(try Name("ns2.provider.test.")))]),
            ("a CNAME below the apex", [soa, ns, try r("www", .cname, .cname(try Name("elsewhere.test.")))]),
            ("an MX below the apex", [soa, ns, try r("bounce", .mx, .mx(preference: 1, exchange: try Name("mx.provider.test.")))]),
            ("a delegation", [soa, ns, try r("sub", .ns, .ns(try Name("ns.elsewhere.test.")))]),
            ("an NS in the zone, with its address", [soa, try r("@", .ns, .ns(try Name("ns.shape.example."))),
                                                      try r("ns", .a, .a([192, 0, 2, 53]))]),
            ("an NS in the zone, without an address", [soa, try r("@", .ns, .ns(try Name("ns.shape.example.")))]),
            ("an address at the apex", [soa, ns, try r("@", .a, .a([192, 0, 2, 1]))]),
            ("nine names", nine),
            ("the SOA not first", [ns, soa, mx]),
            ("two SOAs", [soa, ns, try r("@", .soa, .soa(SOA(mname: try Name("a.test."), rname: try Name("b.test."),
                                                             serial: 8, refresh: 1, retry: 1, expire: 1, minimum: 1)))]),
            ("an SOA below the apex", [soa, ns, try r("x", .soa, soa.rdata)]),
            ("no NS", [soa, mx, dmarc]),
            ("no SOA", [ns, mx]),
            ("a name outside the zone", [soa, ns, Record(name: try Name("other.example."), type: .txt, ttl: 300, rdata: .txt([[1]]))]),
        ]
        var random = Random(seed: 5)
        for (what, records) in cases {
            let list = RecordList.encode(records)
            #expect(!Self.isReadStraight(origin, list, sharing: sharing), "\(what)")
            let built = Self.bothWays(origin, list, sharing: sharing)
            switch (built.records, built.read) {
            case (.zone(let left), .zone(let right)):
                Self.expectAlike(left, right, names: Set(records.map(\.name)).sorted() + [try Name("missing", origin: origin)], &random)
            case (.failed(let left), .failed(let right)):
                #expect(left == right, "\(what)")
            default:
                Issue.record("\(what): built \(built.records), read \(built.read)")
            }
        }
        // An apex MX whose exchange is a compression pointer to the list's first octet, the origin: decoded from the
        // list, it names the zone; from the apex's octets alone (the key), it would name the root.
        var pointed = RecordList.encode([soa, ns])
        pointed += origin.wire + [0, 15, 0, 1, 0, 0, 1, 44, 0, 4, 0, 10, 0xC0, 0]
        #expect(!Self.isReadStraight(origin, pointed, sharing: sharing), "a name compressed in the apex RDATA")
        let pointedBuilt = Self.bothWays(origin, pointed, sharing: sharing)
        guard case .zone(let left) = pointedBuilt.records, case .zone(let right) = pointedBuilt.read else {
            Issue.record("not built: \(pointedBuilt)")
            return
        }
        #expect(right.node(origin)?.rrset(.mx)?.rdata == [.mx(preference: 10, exchange: origin)])
        Self.expectAlike(left, right, names: [origin], &random)
        // A name below the apex compressed (a pointer to the origin at the list's start): read as decoding reads it.
        var compressedOwner = RecordList.encode([soa, ns])
        compressedOwner += [6] + Array("_dmarc".utf8) + [0xC0, 0] + [0, 16, 0, 1, 0, 0, 1, 44, 0, 2, 1, 0x41]
        #expect(Self.isReadStraight(origin, compressedOwner, sharing: sharing))
        let compressedBuilt = Self.bothWays(origin, compressedOwner, sharing: sharing)
        guard case .zone(let built) = compressedBuilt.records, case .zone(let read) = compressedBuilt.read else {
            Issue.record("not built: \(compressedBuilt)")
            return
        }
        #expect(read.node(try Name("_dmarc", origin: origin))?.rrset(.txt)?.rdata == [.txt([[0x41]])])
        Self.expectAlike(built, read, names: [origin, try Name("_dmarc", origin: origin)], &random)
        // An apex written in another case than the origin asked for: the origin is lowercased first.
        let upperOrigin = try Name("SHAPE.example.")
        #expect(Self.isReadStraight(upperOrigin, RecordList.encode(shaped), sharing: sharing))
    }

    @Test("lists read straight with another class, TTLs that differ within a set, or the shared tables full, build the zone their records build")
    func inShapeVariants() throws {
        let origin = try Name("variant.example.")
        func r(_ name: String, _ type: RecordType, _ rdata: RData, ttl: UInt32 = 300, rclass: RecordClass = .in) throws -> Record {
            Record(name: try Name(name, origin: origin), type: type, rclass: rclass, ttl: ttl, rdata: rdata)
        }
        let soa = try r("@", .soa, .soa(SOA(mname: try Name("ns1.provider.test."), rname: try Name("h.provider.test."),
                                            serial: 9, refresh: 1, retry: 1, expire: 1, minimum: 60)))
        let cases: [(String, [Record])] = [
            ("an apex set of two TTLs", [soa, try r("@", .ns, .ns(try Name("ns1.provider.test.")), ttl: 300),
                                         try r("@", .ns, .ns(try Name("ns2.provider.test.")), ttl: 60),
                                         try r("_dmarc", .txt, .txt([[1]]), ttl: 5), try r("_dmarc", .txt, .txt([[2]]), ttl: 7)]),
            ("records of class CH", [soa, try r("@", .ns, .ns(try Name("ns1.provider.test.")), rclass: .ch),
                                     try r("_dmarc", .txt, .txt([[1]]), rclass: .ch)]),
        ]
        var random = Random(seed: 11)
        for (what, records) in cases {
            let list = RecordList.encode(records)
            let sharing = SharedRData(capacity: 64)
            #expect(Self.isReadStraight(origin, list, sharing: sharing), "\(what)")
            let built = Self.bothWays(origin, list, sharing: sharing)
            guard case .zone(let left) = built.records, case .zone(let right) = built.read else {
                Issue.record("\(what): \(built)")
                continue
            }
            Self.expectAlike(left, right, names: [origin, try Name("_dmarc", origin: origin)], &random)
        }
        // With room for one kept set only, mail zones past the first are decoded and built as records, alike.
        let full = SharedRData(capacity: 1)
        for _ in 0 ..< 20 {
            let (zoneOrigin, records, names) = try Self.mailZone(&random)
            let built = Self.bothWays(zoneOrigin, RecordList.encode(records), sharing: full)
            guard case .zone(let left) = built.records, case .zone(let right) = built.read else {
                Issue.record("not built: \(built)")
                continue
            }
            Self.expectAlike(left, right, names: names, &random)
        }
    }

    @Test("a list that is not read straight keeps nothing in the shared tables, as the general build keeps nothing for records it refuses")
    func refusedListsKeepNothing() throws {
        let table = SharedRData(capacity: 1)
        func list(_ zone: String, nameserver: String, last: Record) throws -> (Name, [UInt8]) {
            let origin = try Name(zone)
            return (origin, RecordList.encode([
                Record(name: origin, type: .soa, ttl: 300, rdata: .soa(SOA(mname: try Name("ns1.provider.test."),
                       rname: try Name("h.provider.test."), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1))),
                Record(name: origin, type: .ns, ttl: 300, rdata: .ns(try Name(nameserver))), last,
            ]))
        }
        let (refusedOrigin, refused) = try list("refused.example.", nameserver: "ns.one.test.",
                                                last: Record(name: try Name("outside.test."), type: .txt, ttl: 300, rdata: .txt([[1]])))
        guard case .failed = Self.bothWays(refusedOrigin, refused, sharing: table).read else {
            Issue.record("a record outside the zone is refused")
            return
        }
        // The one place in the table is still free for the next zone's NS set.
        let (origin, accepted) = try list("accepted.example.", nameserver: "ns.two.test.",
                                          last: Record(name: try Name("_dmarc.accepted.example."), type: .txt, ttl: 300, rdata: .txt([[1]])))
        #expect(Self.isReadStraight(origin, accepted, sharing: table))
    }

    @Test("octets changed at random are read straight only when the records they decode to build the same zone")
    func mutatedLists() throws {
        var random = Random(seed: 99)
        let sharing = SharedRData(capacity: 4096)
        var straight = 0, failed = 0
        for _ in 0 ..< 1_500 {
            let (origin, records, names) = try Self.mailZone(&random)
            var list = RecordList.encode(records)
            for _ in 0 ..< 1 + random.below(3) {
                switch random.below(4) {
                case 0: list[random.below(list.count)] = UInt8(random.below(256))
                case 1: list[random.below(list.count)] ^= 0x20
                case 2: list.removeLast(1 + random.below(min(8, list.count - 1)))
                default:
                    // A record written again somewhere else in the list.
                    let encoded = RecordList.encode([records[random.below(records.count)]])
                    let at = RecordList.encode(Array(records.prefix(random.below(records.count + 1)))).count
                    list.insert(contentsOf: encoded, at: min(at, list.count))
                }
            }
            let built = Self.bothWays(origin, list, sharing: sharing)
            switch (built.records, built.read) {
            case (.zone(let left), .zone(let right)):
                if Self.isReadStraight(origin, list, sharing: sharing) { straight += 1 }
                Self.expectAlike(left, right, names: names, &random)
            case (.failed(let left), .failed(let right)):
                failed += 1
                #expect(left == right)
            default:
                Issue.record("built \(built.records), read \(built.read)")
            }
        }
        #expect(straight > 200 && failed > 500, "\(straight) read straight, \(failed) failed")
    }

    @Test("stored apexes kept are bounded: past the capacity, an apex's sets are made again each time, not kept")
    func storedApexesBounded() throws {
        let table = SharedRData(capacity: 1)
        let ns = try #require(table.wholeSet(type: .ns, ttl: 300, rdata: [.ns(try Name("ns1.provider.test."))]))
        var made = 0
        func ask(_ key: [UInt8]) -> SharedRData.StoredApex? {
            table.storedApex(key) {
                made += 1
                return SharedRData.StoredApex(sets: [ns], targets: [])
            }
        }
        _ = ask([1])
        _ = ask([1])
        #expect(made == 1, "kept")
        _ = ask([2])
        _ = ask([2])
        #expect(made == 3, "past the capacity")
        #expect(table.storedApex([3]) { nil } == nil)
    }
}
