import AuthEngine
import DNSWire
import Testing
import ZoneFile

@Suite("RFC 1995 IXFR: single SOA when current, the journal's changes in order, the whole zone when too old")
struct IncrementalTransferTests {
    static let client: [UInt8] = [127, 0, 0, 1]

    /// Three versions of one zone: 1 (base), 2 (an address changed, a record added), 3 (a record removed).
    static func versions() throws -> (v1: [Record], v2: [Record], v3: [Record]) {
        func parse(_ text: String) throws -> [Record] {
            try ZoneFileParser.parse(text: text, origin: try Name("example.com."), file: "example.com.zone",
                                     includeRoot: nil).get().records
        }
        let head = "$ORIGIN example.com.\n$TTL 3600\n@ NS ns1\nns1 A 192.0.2.1\n"
        let v1 = try parse(head + "@ SOA ns1 hostmaster 1 7200 900 1209600 300\nwww A 192.0.2.80\nold TXT \"gone in 3\"\n")
        let v2 = try parse(head + "@ SOA ns1 hostmaster 2 7200 900 1209600 300\nwww A 192.0.2.81\nold TXT \"gone in 3\"\nnew TXT \"added in 2\"\n")
        let v3 = try parse(head + "@ SOA ns1 hostmaster 3 7200 900 1209600 300\nwww A 192.0.2.81\nnew TXT \"added in 2\"\n")
        return (v1, v2, v3)
    }

    /// A store serving version 3 with the history 1 -> 2 -> 3.
    static func store() throws -> ZoneStore {
        let (v1, v2, v3) = try Self.versions()
        let history = [try #require(ZoneDelta(from: v1, to: v2)), try #require(ZoneDelta(from: v2, to: v3))]
        return ZoneStore(ZoneSet([try Zone(origin: try Name("example.com."), records: v3, history: history)]))
    }

    /// The answer records of `example.com. IXFR` with `serial` in the authority section (none when nil).
    func ixfr(_ store: ZoneStore, serial: UInt32?, over transport: Transport = .tcp,
              from peer: [UInt8]? = client) throws -> Message {
        var header = Header(id: 0x77, flags: 0)
        header.questionCount = 1
        var authority: [Record] = []
        if let serial {
            let name = try Name("example.com.")
            authority.append(Record(name: name, type: .soa, ttl: 0, rdata: .soa(SOA(
                mname: name, rname: name, serial: serial, refresh: 0, retry: 0, expire: 0, minimum: 0))))
        }
        let query = Message(header: header, questions: [Question(name: try Name("example.com."), type: .ixfr)],
                            authority: authority).encoded()
        let responder = Responder(store: store, options: ResponderOptions(allowTransfer: [Self.client]))
        var writer = MessageWriter(limit: 65535)
        var reader = responder.makeReader()
        var messages: [[UInt8]] = []
        _ = query.withUnsafeBytes {
            responder.respond(to: $0, over: transport, from: peer, into: &writer, reader: &reader) { messages.append($0) }
        }
        messages.append(writer.bytes)
        #expect(messages.count == 1)
        return try Message(parsing: messages.last!)
    }

    func serials(_ records: [Record]) -> [UInt32] {
        records.compactMap { if case .soa(let soa) = $0.rdata { soa.serial } else { nil } }
    }

    @Test("a client at the current serial, or ahead of it, gets the single current SOA")
    func current() throws {
        let store = try Self.store()
        for serial: UInt32 in [3, 4, 3 &+ (1 << 31) - 1] {
            let answer = try ixfr(store, serial: serial)
            #expect(answer.rcode == .noError)
            #expect(answer.answers.count == 1)
            #expect(serials(answer.answers) == [3])
        }
    }

    @Test("a client at version 1 gets both changes: SOA 3, SOA 1, removed, SOA 2, added, SOA 2, removed, SOA 3, added, SOA 3")
    func twoChanges() throws {
        let answer = try ixfr(try Self.store(), serial: 1)
        #expect(answer.rcode == .noError)
        #expect(answer.header.isAuthoritative)
        let records = answer.answers
        #expect(serials(records) == [3, 1, 2, 2, 3, 3])
        let text = records.map { $0.description.lowercased() }
        #expect(text == [
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 3 7200 900 1209600 300",
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300",
            "www.example.com. 3600 in a 192.0.2.80",
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 2 7200 900 1209600 300",
            "www.example.com. 3600 in a 192.0.2.81",
            "new.example.com. 3600 in txt \"added in 2\"",
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 2 7200 900 1209600 300",
            "old.example.com. 3600 in txt \"gone in 3\"",
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 3 7200 900 1209600 300",
            "example.com. 3600 in soa ns1.example.com. hostmaster.example.com. 3 7200 900 1209600 300",
        ])
    }

    @Test("a client at version 2 gets only the last change")
    func oneChange() throws {
        let answer = try ixfr(try Self.store(), serial: 2)
        #expect(serials(answer.answers) == [3, 2, 3, 3])
        #expect(answer.answers.count == 5)
    }

    @Test("a serial the journal does not know gets the whole zone, AXFR-style: SOA, every record, SOA")
    func unknownSerial() throws {
        let store = try Self.store()
        let zone = try #require(store.snapshot.zone(origin: try Name("example.com.")))
        let answer = try ixfr(store, serial: 0)
        #expect(answer.answers.count == zone.records.count + 1)
        #expect(serials(answer.answers) == [3, 3])
        #expect(answer.answers.first?.type == .soa && answer.answers.last?.type == .soa)
    }

    @Test("no SOA in the authority section is FORMERR; UDP and addresses not allowed are REFUSED with no records")
    func refusals() throws {
        let store = try Self.store()
        #expect(try ixfr(store, serial: nil).rcode == .formErr)
        for answer in [try ixfr(store, serial: 1, over: .udp), try ixfr(store, serial: 1, from: [127, 0, 0, 9]),
                       try ixfr(store, serial: 1, from: nil)] {
            #expect(answer.rcode == .refused)
            #expect(answer.answers.isEmpty && answer.authority.isEmpty)
        }
    }

    @Test("a zone keeps only the unbroken tail of the history that ends at its own serial")
    func historyChain() throws {
        let (v1, v2, v3) = try Self.versions()
        let first = try #require(ZoneDelta(from: v1, to: v2))
        let second = try #require(ZoneDelta(from: v2, to: v3))
        let origin = try Name("example.com.")
        #expect(try Zone(origin: origin, records: v3, history: [first, second]).history == [first, second])
        #expect(try Zone(origin: origin, records: v3, history: [second]).history == [second])
        // A gap (1 -> 2 missing) cuts everything before it; a history not ending at the serial is dropped.
        #expect(try Zone(origin: origin, records: v3, history: [first, first, second]).history == [first, second])
        #expect(try Zone(origin: origin, records: v2, history: [second]).history.isEmpty)
    }

    @Test("ZoneDelta: TTL changes are a removal and an addition; owner case does not count; same records is empty")
    func deltas() throws {
        let (v1, _, _) = try Self.versions()
        var renamed = v1.map { record -> Record in
            var copy = record
            copy.name = try! Name(record.name.description.uppercased())
            return copy
        }
        #expect(try #require(ZoneDelta(from: v1, to: renamed)).isEmpty)
        renamed[renamed.count - 1].ttl = 60
        let change = try #require(ZoneDelta(from: v1, to: renamed))
        #expect(change.removed.count == 1 && change.added.count == 1)
        #expect(!change.isEmpty)
        #expect(ZoneDelta(from: v1.filter { $0.type != RecordType.soa }, to: v1) == nil)
    }
}
