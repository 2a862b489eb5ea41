import DNSWire
import Testing
@testable import ZoneFile

/// Zones written the way real ones are. Each was also accepted by `named-checkzone` (BIND 9.18, package
/// bind9utils) when this suite was written; the test itself does not need BIND.
@Suite("RFC 1035 section 5: valid master files")
struct ValidZoneTests {
    /// The example of RFC 1035 section 5.3 (without its $INCLUDE): no $TTL, so the SOA's MINIMUM becomes the
    /// default TTL, as BIND does.
    @Test func rfc1035Example() throws {
        let text = """
            @   IN  SOA     VENERA      Action\\.domains (
                                             20     ; SERIAL
                                             7200   ; REFRESH
                                             600    ; RETRY
                                             3600000; EXPIRE
                                             60)    ; MINIMUM

                    NS      A.ISI.EDU.
                    NS      VENERA
                    NS      VAXA
                    MX      10      VENERA
                    MX      20      VAXA

            A       A       26.3.0.103

            VENERA  A       10.1.0.52
                    A       128.9.0.32

            VAXA    A       10.2.0.27
                    A       128.9.0.33
            """
        let zone = try #require(Support.parseValid(text, origin: "ISI.EDU."))
        #expect(zone.records.count == 11)
        #expect(zone.records.allSatisfy { $0.ttl == 60 })
        let soa = SOA(mname: Support.name("VENERA.ISI.EDU."), rname: Support.name("Action\\.domains.ISI.EDU."),
                      serial: 20, refresh: 7200, retry: 600, expire: 3_600_000, minimum: 60)
        #expect(Support.rdata(zone, "isi.edu.", .soa) == [.soa(soa)])
        #expect(Support.rdata(zone, "isi.edu.", .ns).count == 3)
        #expect(Support.rdata(zone, "venera.isi.edu.", .a) == [.a([10, 1, 0, 52]), .a([128, 9, 0, 32])])
        #expect(Support.rdata(zone, "isi.edu.", .mx).first == .mx(preference: 10, exchange: Support.name("VENERA.ISI.EDU.")))
    }

    @Test func bindStyleZone() throws {
        let text = """
            $TTL 1h
            $ORIGIN wistfare.net.
            @ 1D IN SOA ns1 hostmaster (
                2024010101 ; serial
                3h 15m 1w 5M )
              IN NS ns1
              IN NS ns2.wistfare.net.
              IN MX 10 mail
            ns1 IN 300 A 192.0.2.1
            ns2 300 IN A 192.0.2.2
                AAAA 2001:db8::2
            mail A 192.0.2.10
            www CNAME @
            $ORIGIN sub.wistfare.net.
            host 2W1d A 192.0.2.20
            _sip._tcp SRV 10 60 5060 host
            @ CAA 0 issue "letsencrypt.org"
            """
        let zone = try #require(Support.parseValid(text, origin: "wistfare.net."))
        #expect(zone.records.count == 12)
        let soa = try #require(Support.records(zone, "wistfare.net.", .soa).first)
        #expect(soa.ttl == 86400)
        #expect(soa.rdata == .soa(SOA(mname: Support.name("ns1.wistfare.net."), rname: Support.name("hostmaster.wistfare.net."),
                                      serial: 2_024_010_101, refresh: 10800, retry: 900, expire: 604_800, minimum: 300)))
        #expect(Support.records(zone, "wistfare.net.", .ns).map(\.ttl) == [3600, 3600])
        #expect(Support.records(zone, "ns2.wistfare.net.", .aaaa).first?.ttl == 3600)
        #expect(Support.records(zone, "ns1.wistfare.net.", .a).first?.ttl == 300)
        #expect(Support.rdata(zone, "www.wistfare.net.", .cname) == [.cname(Support.name("wistfare.net."))])
        #expect(Support.records(zone, "host.sub.wistfare.net.", .a).first?.ttl == 1_296_000)
        #expect(Support.rdata(zone, "_sip._tcp.sub.wistfare.net.", .srv)
            == [.srv(priority: 10, weight: 60, port: 5060, target: Support.name("host.sub.wistfare.net."))])
        #expect(Support.rdata(zone, "sub.wistfare.net.", .caa)
            == [.caa(flags: 0, tag: Array("issue".utf8), value: Array("letsencrypt.org".utf8))])
    }

    @Test func txtEscapesAndSeveralStrings() throws {
        let text = Support.header + #"""
            txt TXT "a \"quoted\" word" "back\\slash" "\065\066C" unquoted words
            semi TXT "v=spf1 mx -all; not a comment" ; a comment
            empty TXT ""
            """#
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        #expect(Support.rdata(zone, "txt.example.com.", .txt) == [.txt([
            Array(#"a "quoted" word"#.utf8), Array(#"back\slash"#.utf8), Array("ABC".utf8),
            Array("unquoted".utf8), Array("words".utf8),
        ])])
        #expect(Support.rdata(zone, "semi.example.com.", .txt) == [.txt([Array("v=spf1 mx -all; not a comment".utf8)])])
        #expect(Support.rdata(zone, "empty.example.com.", .txt) == [.txt([[]])])
    }

    @Test func dkimKeySplitOverLines() throws {
        let key = DKIM.publicKey
        let first = String(key.prefix(200)), second = String(key.dropFirst(200))
        let text = Support.header + """
            default._domainkey IN TXT ( "v=DKIM1; k=rsa; "
                "p=\(first)"
                "\(second)" )
            after A 192.0.2.9
            """
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        #expect(Support.rdata(zone, "default._domainkey.example.com.", .txt) == [.txt([
            Array("v=DKIM1; k=rsa; ".utf8), Array("p=\(first)".utf8), Array(second.utf8),
        ])])
        let after = try #require(Support.records(zone, "after.example.com.", .a).first)
        #expect(after.ttl == 300)
    }

    @Test func genericForms() throws {
        let text = Support.header + ##"""
            generic TYPE1 \# 4 0A000001
            known A 10.0.0.1
            mx MX \# 8 000A 046D61696C 00
            private TYPE65280 \# 3 ABcdef
            empty TYPE65281 \# 0
            ds DS \# 36 ( 12340802
                         \##(String(repeating: "AB", count: 32)) )
            """##
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        #expect(Support.rdata(zone, "generic.example.com.", .a) == Support.rdata(zone, "known.example.com.", .a))
        #expect(Support.rdata(zone, "generic.example.com.", .a) == [.a([10, 0, 0, 1])])
        #expect(Support.rdata(zone, "mx.example.com.", .mx) == [.mx(preference: 10, exchange: Support.name("mail."))])
        #expect(Support.rdata(zone, "private.example.com.", RecordType(65280)) == [.opaque([0xAB, 0xCD, 0xEF])])
        #expect(Support.rdata(zone, "empty.example.com.", RecordType(65281)) == [.opaque([])])
        #expect(Support.rdata(zone, "ds.example.com.", .ds)
            == [.opaque([0x12, 0x34, 0x08, 0x02] + Array(repeating: 0xAB, count: 32))])
    }

    @Test func ipv6Forms() throws {
        let text = Support.header + """
            a AAAA ::
            b AAAA ::1
            c AAAA 2001:db8::
            d AAAA ::ffff:192.0.2.1
            e AAAA 2001:DB8:0:0:0:0:0:1
            f AAAA fe80::1:2:3:4:5:6
            g AAAA 2001:db8:1:2:3:4:192.0.2.33
            """
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        func address(_ owner: String) -> String? {
            guard case .aaaa(let bytes) = Support.rdata(zone, "\(owner).example.com.", .aaaa).first else { return nil }
            return RDataText.formatIPv6(bytes)
        }
        #expect(address("a") == "::")
        #expect(address("b") == "::1")
        #expect(address("c") == "2001:db8::")
        #expect(address("d") == "::ffff:c000:201")
        #expect(address("e") == "2001:db8::1")
        #expect(address("f") == "fe80:0:1:2:3:4:5:6")
        #expect(address("g") == "2001:db8:1:2:3:4:c000:221")
    }

    /// BIND warns "TTL set to prior TTL" and uses the RRset's first TTL; exact duplicates collapse silently.
    @Test func rrsetTTLsAndDuplicates() throws {
        let text = Support.header + """
            www 600 A 192.0.2.5
            www 60 A 192.0.2.6
            www A 192.0.2.5
            WWW 600 A 192.0.2.5
            """
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        #expect(Support.records(zone, "www.example.com.", .a).map(\.ttl) == [600, 600])
        #expect(zone.warnings.map(\.description) == ["test.zone:6: TTL set to prior TTL (600)",
                                                     "test.zone:7: TTL set to prior TTL (600)"])
    }

    /// RFC 1035 section 5.1: without $TTL a record without a TTL keeps the last one written.
    @Test func lastExplicitTTLWithoutDollarTTL() throws {
        let text = """
            @ 3600 SOA ns1 hostmaster 1 7200 900 1209600 300
              NS ns1
            ns1 120 A 192.0.2.1
                AAAA 2001:db8::1
            """
        let zone = try #require(Support.parseValid(text, origin: "example.com."))
        #expect(Support.records(zone, "example.com.", .ns).first?.ttl == 3600)
        #expect(Support.records(zone, "ns1.example.com.", .aaaa).first?.ttl == 120)
    }
}
