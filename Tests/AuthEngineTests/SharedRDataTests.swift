@testable import AuthEngine
import DNSWire
import Testing

/// Mail zones differ in their names, serial and keys; their apex NS, MX and SPF sets are alike and are kept once.
@Suite("Apex RDATA that zones hold alike is kept once")
struct SharedRDataTests {
    func zoneText(_ name: String, serial: Int, spf: String = "v=spf1 mx -all") -> String {
        """
        $ORIGIN \(name)
        $TTL 3600
        @ SOA ns1.provider.test. hostmaster.provider.test. \(serial) 7200 1800 1209600 300
        @ NS ns1.provider.test.
        @ NS ns2.provider.test.
        @ MX 10 mail.provider.test.
        @ TXT "\(spf)"
        _dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc@\(name)"
        """
    }

    func storage(_ zone: Zone, _ type: RecordType, at name: Name? = nil) throws -> RRSet.Storage {
        try #require(zone.node(name ?? zone.origin)?.rrset(type)).storage
    }

    /// The address of a storage's buffer: the same for two sets only when they share it.
    func address(_ storage: RRSet.Storage) -> UnsafeRawPointer? {
        switch storage {
        case .decoded(let rdata): rdata.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        case .encoded(let wire): wire.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        case .name(let name): name.wire.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
    }

    @Test("two zones share their apex NS, MX and TXT storage, not their SOA or names below the apex; each answers with its own names")
    func apexSetsShared() throws {
        let store = try makeStore([("one.shared-rdata.test.", zoneText("one.shared-rdata.test.", serial: 1)),
                                   ("two.shared-rdata.test.", zoneText("two.shared-rdata.test.", serial: 2))])
        let zones = store.snapshot.allZones.sorted { $0.origin < $1.origin }
        let (one, two) = (zones[0], zones[1])
        for type in [RecordType.ns, .mx, .txt] {
            #expect(address(try storage(one, type)) == address(try storage(two, type)), "\(type)")
        }
        // One array of those sets for both apexes.
        let sets = { (zone: Zone) in zone.node(zone.origin)!.rrsets.dropFirst().map(ObjectIdentifier.init) }
        #expect(sets(one) == sets(two) && sets(one).count == 3)
        #expect(address(try storage(one, .soa)) != address(try storage(two, .soa)))
        let dmarc = { (zone: Zone) throws -> RRSet.Storage in
            try storage(zone, .txt, at: try Name("_dmarc", origin: zone.origin))
        }
        #expect(address(try dmarc(one)) != address(try dmarc(two)))
        let answer = try ask(store, "two.shared-rdata.test.", .mx)
        #expect(answer.answers.map(\.name) == [try Name("two.shared-rdata.test.")])
        #expect(answer.answers.map(\.rdata) == [.mx(preference: 10, exchange: try Name("mail.provider.test."))])
    }

    /// The address of a name's bytes: the same for two names only when they share them.
    func address(_ name: Name) -> UnsafeRawPointer? {
        name.wire.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("two zones share their SOA's MNAME and RNAME (not its serial); within a zone, the origin and every apex set's owner are one copy")
    func soaNamesAndOwnersShared() throws {
        let store = try makeStore([("five.shared-rdata.test.", zoneText("five.shared-rdata.test.", serial: 5)),
                                   ("six.shared-rdata.test.", zoneText("six.shared-rdata.test.", serial: 6))])
        let zones = store.snapshot.allZones.sorted { $0.origin < $1.origin }
        guard case .soa(let first) = zones[0].soa.rdata[0], case .soa(let second) = zones[1].soa.rdata[0] else {
            Issue.record("no SOA")
            return
        }
        #expect(address(first.mname) == address(second.mname) && address(first.rname) == address(second.rname))
        #expect(first.serial == 5 && second.serial == 6)
        for zone in zones {
            #expect(address(zone.soa.owner) == address(zone.origin))
            // The other apex sets are one object for both zones, owned by the root; written out, each zone's own.
            for type in [RecordType.ns, .mx, .txt] {
                let set = try #require(zone.node(zone.origin)?.rrset(type))
                #expect(set === zones[0].node(zones[0].origin)?.rrset(type) && set.owner == .root, "\(type)")
            }
            let owners = try #require(zone.node(zone.origin)).rrsets(at: zone.origin).map(\.owner)
            #expect(owners == Array(repeating: zone.origin, count: 4))
            #expect(zone.records.allSatisfy { $0.name == zone.origin || $0.name.isSubdomain(of: zone.origin) && $0.type == .txt })
        }
        let answer = try ask(store, "six.shared-rdata.test.", .soa)
        #expect(answer.answers.map(\.rdata) == [.soa(second)])
    }

    @Test("an apex set that differs (another SPF) keeps storage of its own and its own data")
    func differentSetsStayApart() throws {
        let store = try makeStore([("three.shared-rdata.test.", zoneText("three.shared-rdata.test.", serial: 1)),
                                   ("four.shared-rdata.test.", zoneText("four.shared-rdata.test.", serial: 1,
                                                                        spf: "v=spf1 ip4:192.0.2.1 -all"))])
        let zones = store.snapshot.allZones.sorted { $0.origin < $1.origin }
        #expect(address(try storage(zones[0], .txt)) != address(try storage(zones[1], .txt)))
        let answer = try ask(store, "four.shared-rdata.test.", .txt)
        #expect(answer.answers.map(\.rdata) == [.txt([Array("v=spf1 ip4:192.0.2.1 -all".utf8)])])
    }

    @Test("the table keeps at most its capacity; a set seen once the table is full is served from its own storage")
    func capacityBound() {
        let table = SharedRData(capacity: 2)
        let a = RRSet.Storage.encoded(wire: [0, 1, 1])
        let b = RRSet.Storage.encoded(wire: [0, 1, 2])
        let c = RRSet.Storage.encoded(wire: [0, 1, 3])
        _ = table.intern(a)
        _ = table.intern(b)
        _ = table.intern(c)
        let again = RRSet.Storage.encoded(wire: [0, 1, 1])
        #expect(address(table.intern(again)) == address(a))
        let otherC = RRSet.Storage.encoded(wire: [0, 1, 3])
        #expect(address(table.intern(otherC)) == address(otherC), "c was not kept")
    }

    @Test("an apex set is kept whole only when its owner is written as the origin and it is not an SOA, address or CNAME set; at most the capacity; a set with additional data is the zone's own")
    func wholeSetsBounded() throws {
        let table = SharedRData(capacity: 2)
        let origin = try Name("whole.shared-rdata.test.")
        let mx = RData.mx(preference: 10, exchange: try Name("mail.provider.test."))
        let kept = try #require(table.wholeSet(type: .mx, ttl: 300, rdata: [mx]))
        #expect(kept.owner == .root && table.wholeSet(type: .mx, ttl: 300, rdata: [mx]) === kept)
        #expect(table.wholeSet(type: .mx, ttl: 301, rdata: [mx]) !== kept)
        #expect(table.wholeSet(type: .a, ttl: 300, rdata: [.a([192, 0, 2, 1])]) == nil)
        #expect(table.wholeSet(type: .cname, ttl: 300, rdata: [.cname(try Name("other.test."))]) == nil)
        #expect(table.wholeSet(type: .txt, ttl: 300, rdata: [.txt([[2]])]) == nil, "past the capacity")
        // In a zone: an MX whose exchange has addresses in the zone carries them, so its apex is its own.
        let soa = Record(name: origin, type: .soa, ttl: 300, rdata: .soa(SOA(
            mname: try Name("ns1.provider.test."), rname: try Name("hostmaster.provider.test."), serial: 1, refresh: 1,
            retry: 1, expire: 1, minimum: 1)))
        let glued = try Zone(origin: origin, records: [
            soa, Record(name: origin, type: .ns, ttl: 300, rdata: .ns(try Name("ns1.provider.test."))),
            Record(name: origin, type: .mx, ttl: 300, rdata: .mx(preference: 10, exchange: try Name("mx.whole.shared-rdata.test."))),
            Record(name: try Name("mx.whole.shared-rdata.test."), type: .a, ttl: 300, rdata: .a([192, 0, 2, 9])),
        ], sharing: SharedRData(capacity: 8))
        let apex = try #require(glued.node(origin))
        if case .apex = apex.sets { Issue.record("an apex with additional data is not one shared array") }
        #expect(apex.rrset(.mx)?.additional.count == 1)
        #expect(apex.rrsets(at: origin).map(\.owner) == [origin, origin, origin])
        // In a zone: an apex written in upper case keeps sets of its own, with their owner as written.
        let upper = try Zone(origin: origin, records: [
            Record(name: origin, type: .soa, ttl: 300, rdata: .soa(SOA(mname: try Name("ns1.provider.test."),
                   rname: try Name("hostmaster.provider.test."), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1))),
            Record(name: try Name("WHOLE.shared-rdata.test."), type: .ns, ttl: 300, rdata: .ns(try Name("ns1.provider.test."))),
        ], sharing: SharedRData(capacity: 8))
        #expect(upper.node(origin)?.rrset(.ns)?.owner.description == "WHOLE.shared-rdata.test.")
    }

    @Test("the apex arrays kept are bounded too: past the capacity, an apex keeps the array it brought")
    func apexArraysBounded() throws {
        let table = SharedRData(capacity: 1)
        let soa = RRSet(owner: try Name("bound.test."), type: .soa, ttl: 300, rdata: [.soa(SOA(
            mname: try Name("ns1.provider.test."), rname: try Name("hostmaster.provider.test."), serial: 1, refresh: 1,
            retry: 1, expire: 1, minimum: 1))])
        let ns = RRSet(owner: .root, type: .ns, ttl: 300, rdata: [.ns(try Name("ns1.provider.test."))])
        let mx = RRSet(owner: .root, type: .mx, ttl: 300, rdata: [.mx(preference: 10, exchange: try Name("mx.provider.test."))])
        let first = [ns]
        let kept = table.apex(soa: soa, shared: first)
        let again = table.apex(soa: soa, shared: [ns])
        guard case .apex(_, let keptArray) = kept.sets, case .apex(_, let againArray) = again.sets else {
            Issue.record("not apex nodes")
            return
        }
        #expect(keptArray.withUnsafeBufferPointer { $0.baseAddress } == againArray.withUnsafeBufferPointer { $0.baseAddress },
                "one array for equal sets")
        let other = [ns, mx]
        guard case .apex(_, let otherArray) = table.apex(soa: soa, shared: other).sets else {
            Issue.record("not an apex node")
            return
        }
        #expect(otherArray.withUnsafeBufferPointer { $0.baseAddress } == other.withUnsafeBufferPointer { $0.baseAddress },
                "past the capacity: the array brought, not kept")
        let otherAgain = [ns, mx]
        guard case .apex(_, let otherAgainArray) = table.apex(soa: soa, shared: otherAgain).sets else { return }
        #expect(otherAgainArray.withUnsafeBufferPointer { $0.baseAddress }
            == otherAgain.withUnsafeBufferPointer { $0.baseAddress }, "and not kept for the next one")
    }

    @Test("the SOA names kept are bounded too: past the capacity, new names are matched, not kept")
    func soaNamesBounded() throws {
        let table = SharedRData(capacity: 2)
        func soa(_ mname: String, _ rname: String) throws -> SOA {
            SOA(mname: try Name(mname), rname: try Name(rname), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1)
        }
        let first = table.intern(try soa("a.test.", "b.test."))
        let third = try soa("c.test.", "d.test.")
        _ = table.intern(third)
        #expect(address(table.intern(try soa("a.test.", "b.test.")).mname) == address(first.mname))
        #expect(address(table.intern(try soa("c.test.", "b.test.")).mname) != address(third.mname), "c was not kept")
    }
}
