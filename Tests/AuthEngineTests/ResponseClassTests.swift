@testable import AuthEngine
import DNSWire
import Testing

/// Rate limiting counts answers per name and type in a zone: an apex set that many zones share is one object, yet
/// each zone's answers keep buckets of their own.
@Suite("Response classes of shared apex sets")
struct ResponseClassTests {
    func zoneText(_ name: String) -> String {
        """
        $ORIGIN \(name)
        $TTL 3600
        @ SOA ns1.provider.test. hostmaster.provider.test. 1 7200 1800 1209600 300
        @ NS ns1.provider.test.
        @ MX 10 mail.provider.test.
        @ TXT "v=spf1 mx -all"
        """
    }

    func responseClass(_ store: ZoneStore, _ name: String, _ type: RecordType) throws -> ResponseClass {
        var watch: QueryWatch?
        let question = Question(name: try Name(name), type: type)
        return ResponseClass(Lookup.find(question.name, type, in: store.snapshot, watch: &watch), question: question)
    }

    @Test("two zones sharing their apex MX, NS and TXT sets answer in classes of their own; one name in any case is one class")
    func sharedSetsCountPerName() throws {
        let store = try makeStore([("one.class.test.", zoneText("one.class.test.")),
                                   ("two.class.test.", zoneText("two.class.test."))])
        let zones = store.snapshot.allZones
        #expect(zones[0].node(zones[0].origin)?.rrset(.mx) === zones[1].node(zones[1].origin)?.rrset(.mx), "shared")
        for type in [RecordType.mx, .ns, .txt, .any] {
            let one = try responseClass(store, "one.class.test.", type)
            #expect(one.kind == .answer)
            #expect(one != (try responseClass(store, "two.class.test.", type)), "\(type)")
            #expect(one == (try responseClass(store, "ONE.Class.test.", type)), "\(type)")
        }
        // A set of one zone alone (its SOA) counts by its identity, as before.
        #expect(try responseClass(store, "one.class.test.", .soa) != (try responseClass(store, "two.class.test.", .soa)))
    }
}
