@testable import AuthEngine
import DNSWire
import Testing

/// `Zone.applying` changes a large zone at the names a change touches and shares the rest; it must answer every
/// query exactly as the zone built from the changed records would, through chains of changes that add and drop
/// names, empty non-terminals and wildcards.
@Suite("A zone changed in place answers as the zone built from its changed records")
struct ZoneUpdateTests {
    typealias Random = RepresentationEquivalenceTests.Random

    /// A catalog-like zone: a mail zone's records and `members` PTR names below `zones`, some deeper.
    static func zone(_ random: inout Random, members: Int) throws -> (origin: Name, records: [Record], names: [Name]) {
        var (origin, records, names) = try RepresentationEquivalenceTests.zone(&random)
        for _ in 0 ..< members {
            let owner = try Name("\(random.label(16)).zones", origin: origin)
            records.append(Record(name: owner, type: .ptr, ttl: 0, rdata: .ptr(try Name("\(random.label()).example."))))
            names.append(owner)
        }
        names += [try Name("zones", origin: origin), try Name("x.zones", origin: origin)]
        return (origin, records, names)
    }

    /// A random change of `records`: some records taken away (addresses and NS now and then, which builds the zone
    /// again), some added at names old and new, deeper, wildcard, upper-case or outside the zone, a set's TTL
    /// changed. Records added to an existing set carry its TTL, as a change between two zones' records does.
    static func change(of records: [Record], origin: Name, _ random: inout Random)
        throws -> (delta: ZoneDelta, names: [Name]) {
        let soa = records[0]
        var removed: [Record] = []
        var added: [Record] = []
        var names: [Name] = []
        let candidates = records.dropFirst().filter { [.a, .aaaa, .ns].contains($0.type) ? random.chance(10) : true }
        for record in candidates where random.chance(8) { removed.append(record) }
        func ttl(_ owner: Name, _ type: RecordType) -> UInt32 {
            records.first { $0.name.lowercased() == owner.lowercased() && $0.type == type }?.ttl ?? 300
        }
        for _ in 0 ..< random.below(6) {
            let owner: Name
            switch random.below(6) {
            case 0: owner = records[1 + random.below(records.count - 1)].name
            case 1: owner = try Name("\(random.label()).\(random.label()).deep", origin: origin)
            case 2: owner = try Name("*.\(random.label(2))", origin: origin)
            case 3: owner = try Name("\(random.label(16).uppercased()).zones", origin: origin)
            case 4 where random.chance(10): owner = try Name("\(random.label()).outside.test.")
            default: owner = try Name("\(random.label(16)).zones", origin: origin)
            }
            names += [owner, owner.parent ?? origin]
            let record: Record
            switch random.below(4) {
            case 0: record = Record(name: owner, type: .txt, ttl: ttl(owner, .txt), rdata: .txt([random.text(20)]))
            case 1: record = Record(name: owner, type: .mx, ttl: ttl(owner, .mx),
                                    rdata: .mx(preference: 5, exchange: random.chance(50) ? try Name("ns1", origin: origin)
                                                   : try Name("mx.example.")))
            case 2 where random.chance(5): record = Record(name: owner, type: .a, ttl: ttl(owner, .a), rdata: .a([192, 0, 2, 9]))
            default: record = Record(name: owner, type: .ptr, ttl: ttl(owner, .ptr),
                                     rdata: .ptr(try Name("\(random.label()).example.")))
            }
            added.append(record)
        }
        if random.chance(10), let set = records.dropFirst().randomElement(using: &random.generator) {
            // A TTL change: the whole set taken away and added again.
            let whole = records.filter { $0.name == set.name && $0.type == set.type }
            removed += whole.filter { !removed.contains($0) }
            added += whole.map { var record = $0; record.ttl += 1; return record }
        }
        let newSOA = ZoneDelta.withSerial(soa, ZoneDelta.serial(of: soa) &+ 1)
        return (ZoneDelta(oldSOA: soa, newSOA: newSOA, removed: removed, added: added), names)
    }

    /// `records` (first the SOA) after `delta`, as the zone's records would be listed to build it again.
    static func records(_ records: [Record], after delta: ZoneDelta) -> [Record] {
        func caseless(_ record: Record) -> Record { var key = record; key.name = record.name.lowercased(); return key }
        let gone = Set(delta.removed.map(caseless))
        return [delta.newSOA] + records.dropFirst().filter { !gone.contains(caseless($0)) } + delta.added
    }

    @Test("chains of random changes answer every query as the zones built from the changed records")
    func changesAnswerAlike() throws {
        var random = Random(seed: 7_031)
        let types: [RecordType] = [.a, .ns, .mx, .txt, .soa, .cname, .ptr, .any]
        var compared = 0, inPlace = 0, rebuilt = 0, refused = 0
        for _ in 0 ..< 40 {
            var (origin, records, names) = try Self.zone(&random, members: 4 + random.below(20))
            var zone = try Zone(origin: origin, records: records)
            for _ in 0 ..< 6 {
                let (delta, more) = try Self.change(of: records, origin: origin, &random)
                names += more
                let changed = Self.records(records, after: delta)
                let expected: Zone
                do {
                    expected = try Zone(origin: origin, records: changed)
                } catch {
                    #expect(throws: ZoneError.self) { try zone.applying(delta, history: []) }
                    refused += 1
                    continue
                }
                let applied = try zone.applying(delta, history: [])
                if case .tree = applied.nodes { inPlace += 1 } else { rebuilt += 1 }
                #expect(Set(applied.records) == Set(expected.records))
                #expect(applied.hasWildcards == expected.hasWildcards)
                let left = ZoneStore(ZoneSet([applied])), right = ZoneStore(ZoneSet([expected]))
                for name in names {
                    for type in types {
                        var header = Header(id: UInt16(truncatingIfNeeded: random.next()), flags: 0)
                        header.questionCount = 1
                        let query = Message(header: header, questions: [Question(
                            name: RepresentationEquivalenceTests.randomCase(name, &random), type: type)],
                                            edns: EDNS(udpPayloadSize: 1232)).encoded()
                        #expect(RepresentationEquivalenceTests.answer(left, query, .udp)
                            == RepresentationEquivalenceTests.answer(right, query, .udp), "\(name) \(type)")
                        compared += 1
                    }
                }
                (zone, records) = (applied, changed)
            }
        }
        #expect(inPlace > 100 && rebuilt > 5 && refused > 0, "\(inPlace) in place, \(rebuilt) rebuilt, \(refused) refused")
        #expect(compared > 50_000)
    }

    @Test("the last member dropped takes its empty non-terminal with it; the first one brings it back")
    func emptyNonTerminals() throws {
        let origin = try Name("catalog.test.")
        let members = try (0 ..< 12).map { Record(name: try Name("m\($0).zones", origin: origin), type: .ptr, ttl: 0,
                                                 rdata: .ptr(try Name("z\($0).example."))) }
        let soa = Record(name: origin, type: .soa, ttl: 0, rdata: .soa(SOA(
            mname: try Name("invalid."), rname: try Name("invalid."), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 0)))
        let head = [soa, Record(name: origin, type: .ns, ttl: 0, rdata: .ns(try Name("invalid.")))]
        let zones = try Name("zones", origin: origin)
        let full = try Zone(origin: origin, records: head + members)
        var emptied = full
        for (index, member) in members.enumerated() {
            let before = ZoneDelta.withSerial(soa, UInt32(index + 1))
            emptied = try emptied.applying(ZoneDelta(oldSOA: before, newSOA: ZoneDelta.withSerial(soa, UInt32(index + 2)),
                                                     removed: [member], added: []), history: [])
            #expect(emptied.node(member.name) == nil)
            #expect((emptied.node(zones) != nil) == (index < members.count - 1), "after \(index + 1) removed")
        }
        let again = try emptied.applying(ZoneDelta(oldSOA: emptied.soa.records[0], newSOA: ZoneDelta.withSerial(soa, 99),
                                                   removed: [], added: [members[3]]), history: [])
        #expect(again.node(zones)?.isEmpty == true)
        #expect(again.node(members[3].name)?.rrset(.ptr) != nil)
        // The untouched version is left as it was.
        #expect(members.allSatisfy { full.node($0.name) != nil })
    }
}
