@testable import AuthEngine
import DNSWire
import Foundation
import Testing
import ZoneFile

@Suite("Zone snapshots: building, replacing and publishing")
struct ZoneSetTests {
    @Test("a zone without SOA or NS at the apex, or with data outside it, is rejected")
    func invalidZones() throws {
        let origin = try Name("example.com.")
        let soa = Record(name: origin, type: .soa, ttl: 60, rdata: .soa(SOA(
            mname: try Name("ns.example.com."), rname: try Name("h.example.com."), serial: 1, refresh: 2, retry: 3,
            expire: 4, minimum: 5)))
        let ns = Record(name: origin, type: .ns, ttl: 60, rdata: .ns(try Name("ns.example.com.")))
        let outside = Record(name: try Name("example.org."), type: .a, ttl: 60, rdata: .a([192, 0, 2, 1]))
        #expect(throws: ZoneError.self) { try Zone(origin: origin, records: [ns]) }
        #expect(throws: ZoneError.self) { try Zone(origin: origin, records: [soa]) }
        #expect(throws: ZoneError.self) { try Zone(origin: origin, records: [soa, ns, outside]) }
        #expect(try Zone(origin: origin, records: [soa, ns]).serial == 1)
    }

    @Test("a zone gives back exactly the records it was built from, whether it keeps them decoded or as wire bytes")
    func recordsRoundTrip() throws {
        let origin = try Name("Example.com.")
        let host = try Name("Host.Example.com.")
        let records = [
            Record(name: origin, type: .soa, ttl: 60, rdata: .soa(SOA(
                mname: try Name("NS.example.com."), rname: try Name("h.example.com."), serial: 7, refresh: 2, retry: 3,
                expire: 4, minimum: 5))),
            Record(name: origin, type: .ns, ttl: 60, rdata: .ns(try Name("ns.example.com."))),
            Record(name: origin, type: .mx, ttl: 60, rdata: .mx(preference: 10, exchange: host)),
            Record(name: origin, type: .txt, ttl: 60, rdata: .txt([Array("v=spf1 -all".utf8), [], Array(repeating: 0x41, count: 255)])),
            Record(name: origin, type: .caa, ttl: 60, rdata: .caa(flags: 128, tag: Array("issue".utf8), value: Array("ca.example".utf8))),
            Record(name: host, type: .a, ttl: 60, rdata: .a([192, 0, 2, 1])),
            Record(name: host, type: .a, ttl: 60, rdata: .a([192, 0, 2, 2])),
            Record(name: host, type: .aaaa, ttl: 60, rdata: .aaaa(Array(repeating: 0x20, count: 16))),
            Record(name: try Name("_sip._tcp.example.com."), type: .srv, ttl: 60,
                   rdata: .srv(priority: 1, weight: 2, port: 5060, target: host)),
            Record(name: try Name("x.example.com."), type: RecordType(65280), ttl: 60, rdata: .opaque([1, 2, 3])),
        ]
        let zone = try Zone(origin: origin, records: records)
        #expect(Set(zone.records) == Set(records))
        #expect(zone.records.count == records.count)
    }

    @Test("a large zone is freed on the reclaimer queue, not by the thread that drops it (a DNS thread)")
    func largeZonesAreFreedOffTheDroppingThread() throws {
        var text = exampleZone + "\n"
        for index in 0 ..< Zone.deferredFreeThreshold { text += "host\(index) A 192.0.2.1\n" }
        weak var set: RRSet?
        Zone.reclaimer.suspend()
        do {
            let zone = try #require(try makeStore([("example.com.", text)]).snapshot.allZones.first)
            set = zone.node(try Name("host7.example.com."))?.rrsets.first
            #expect(set != nil)
        }
        #expect(set != nil, "the zone is gone, its nodes wait for the reclaimer")
        Zone.reclaimer.resume()
        Zone.reclaimer.sync {}
        #expect(set == nil)
    }

    @Test("inserting and removing makes new snapshots and leaves the old ones intact")
    func persistence() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        let before = store.snapshot
        let child = try #require(try makeStore([("child.example.com.", childZone)]).snapshot.allZones.first)
        store.update { $0.inserting(child) }
        #expect(before.count == 1)
        #expect(store.snapshot.count == 2)
        #expect(try ask(store, "www.child.example.com.", .a).header.isAuthoritative)
        store.update { $0.removing(origin: child.origin) }
        #expect(store.snapshot.count == 1)
        #expect(!(try ask(store, "www.child.example.com.", .a).header.isAuthoritative))

        // Many zones added in place to one copy (the start-up's single update) leave the snapshot they were
        // copied from as it was.
        let published = store.snapshot
        var next = published
        next.insert(child)
        let other = try #require(try makeStore([("example.org.", exampleZone.replacingOccurrences(
            of: "example.com.", with: "example.org."))]).snapshot.allZones.first)
        next.insert(other)
        #expect(published.count == 1 && next.count == 3)
        #expect(published.zone(origin: child.origin) == nil && next.zone(origin: other.origin) === other)
    }

    @Test("a thread's reader sees a publish on its next query")
    func readerSeesPublish() throws {
        let store = try makeStore([("example.com.", exampleZone)])
        var reader = ZoneStore.Reader(store)
        #expect(reader.current().count == 1)
        let child = try #require(try makeStore([("child.example.com.", childZone)]).snapshot.allZones.first)
        store.update { $0.inserting(child) }
        #expect(reader.current().count == 2)
        #expect(reader.current().count == 2)
        store.update { _ in ZoneSet() }
        #expect(reader.current().count == 0)
    }

    @Test("zone origins are matched without regard to case")
    func caseInsensitiveOrigins() throws {
        let zone = "@ 60 SOA ns hostmaster 1 2 3 4 5\n@ 60 NS ns\nWeb 60 A 192.0.2.80\n"
        let store = try makeStore([("Example.COM.", zone)])
        #expect(try ask(store, "WEB.example.com.", .a).answers.count == 1)
        #expect(store.snapshot.zone(origin: try Name("EXAMPLE.com.")) != nil)
    }
}
