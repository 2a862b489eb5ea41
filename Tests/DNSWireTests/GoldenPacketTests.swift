import DNSWire
import Testing

@Suite("Golden packets: dig 9.18 queries")
struct GoldenQueryTests {
    @Test("dig's query with an EDNS COOKIE option")
    func digWithCookie() throws {
        let query = try parseQuery(Golden.digMXWithCookie)
        #expect(query.header.id == 0xA11C)
        #expect(query.header.recursionDesired)
        #expect(!query.header.isResponse)
        #expect(query.header.flags & Header.adBit != 0)
        #expect(query.header.opcode == .query)
        #expect(query.question == Question(name: name("example.com."), type: .mx, rclass: .in))
        #expect(query.edns?.udpPayloadSize == 1232)
        #expect(query.edns?.version == 0)
        #expect(query.edns?.dnssecOK == false)

        let message = try Message(parsing: Golden.digMXWithCookie)
        #expect(message.questions == [query.question])
        #expect(message.answers.isEmpty && message.authority.isEmpty && message.additional.isEmpty)
        #expect(message.edns?.options == [EDNS.Option(code: 10, data: hex("55d749cbaec15ec1"))])
        #expect(message.edns?.udpPayloadSize == 1232)
        #expect(message.encoded() == Golden.digMXWithCookie)
    }

    @Test("dig +nocookie: OPT with no options")
    func digNoCookie() throws {
        let query = try parseQuery(Golden.digMXNoCookie)
        #expect(query.question.type == .mx)
        #expect(query.edns?.udpPayloadSize == 1232)
        #expect(query.edns?.version == 0)
        #expect(query.edns?.dnssecOK == false)
        let message = try Message(parsing: Golden.digMXNoCookie)
        #expect(message.edns == EDNS(udpPayloadSize: 1232))
        #expect(message.encoded() == Golden.digMXNoCookie)
    }

    @Test("dig +dnssec: DO bit read, question case preserved")
    func digDnssecMixedCase() throws {
        let query = try parseQuery(Golden.digAAAADnssec)
        #expect(query.edns?.dnssecOK == true)
        #expect(query.question.type == .aaaa)
        #expect(query.question.name.description == "WwW.ExAmPlE.CoM.")
        #expect(query.question.name != name("www.example.com."))
        #expect(query.question.name.lowercased() == name("www.example.com."))
        let message = try Message(parsing: Golden.digAAAADnssec)
        #expect(message.edns?.dnssecOK == true)
        #expect(message.encoded() == Golden.digAAAADnssec)
    }

    @Test("dig +noedns: no OPT record")
    func digNoEDNS() throws {
        let query = try parseQuery(Golden.digANoEDNS)
        #expect(query.edns == nil)
        let message = try Message(parsing: Golden.digANoEDNS)
        #expect(message.edns == nil)
        #expect(message.encoded() == Golden.digANoEDNS)
    }

    @Test("EDNS version 1 is read, not rejected, by the parser")
    func ednsVersion1() throws {
        let query = try parseQuery(Golden.ednsVersion1Query)
        #expect(query.edns?.version == 1)
        #expect(try Message(parsing: Golden.ednsVersion1Query).edns?.version == 1)
    }
}

@Suite("Golden packets: NSD 4.6.1 responses")
struct GoldenResponseTests {
    let zone = name("example.com.")

    @Test("every golden response re-encodes to the same octets (same compression choices as NSD)",
          arguments: Golden.responses)
    func reencodesIdentically(packet: [UInt8]) throws {
        let message = try Message(parsing: packet)
        let encoded = message.encoded()
        #expect(encoded == packet, "ours: \(hexString(encoded))")
        #expect(try Message(parsing: encoded) == message)
    }

    @Test("MX answer with authority and glue")
    func mxResponse() throws {
        let message = try Message(parsing: Golden.nsdMX)
        #expect(message.header.isResponse && message.header.isAuthoritative && message.header.recursionDesired)
        #expect(!message.header.isTruncated && !message.header.recursionAvailable)
        #expect(message.rcode == .noError)
        #expect(message.answers == [
            Record(name: zone, type: .mx, ttl: 3600, rdata: .mx(preference: 10, exchange: name("mail.example.com."))),
            Record(name: zone, type: .mx, ttl: 3600, rdata: .mx(preference: 20, exchange: name("mail2.example.net."))),
        ])
        #expect(message.authority.map(\.rdata) == [.ns(name("ns1.example.com.")), .ns(name("ns2.example.com."))])
        #expect(message.additional == [
            Record(name: name("mail.example.com."), type: .a, ttl: 3600, rdata: .a([192, 0, 2, 25])),
            Record(name: name("ns1.example.com."), type: .a, ttl: 3600, rdata: .a([192, 0, 2, 1])),
            Record(name: name("ns2.example.com."), type: .aaaa, ttl: 3600,
                   rdata: .aaaa(hex("20010db8000000000000000000000002"))),
        ])
        #expect(message.edns == EDNS(udpPayloadSize: 1232))
        #expect(message.answers.map(\.description) == [
            "example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 mail2.example.net.",
        ])
        #expect(message.additional[2].description == "ns2.example.com. 3600 IN AAAA 2001:db8::2")
    }

    @Test("SOA answer with compressed MNAME and RNAME")
    func soaResponse() throws {
        let message = try Message(parsing: Golden.nsdSOA)
        let soa = SOA(mname: name("ns1.example.com."), rname: name("hostmaster.example.com."), serial: 2_024_010_101,
                      refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 300)
        #expect(message.answers == [Record(name: zone, type: .soa, ttl: 3600, rdata: .soa(soa))])
        #expect(RDataText.format(.soa(soa), type: .soa)
            == "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300")
    }

    @Test("TXT with several character-strings, one of them empty")
    func txtResponse() throws {
        let message = try Message(parsing: Golden.nsdTXT)
        let strings: [[UInt8]] = [Array("v=spf1 mx -all".utf8), Array("second string".utf8), []]
        #expect(message.answers.map(\.rdata) == [.txt(strings)])
        #expect(RDataText.format(.txt(strings), type: .txt) == #""v=spf1 mx -all" "second string" """#)
    }

    @Test("SRV target arrives uncompressed and is decoded")
    func srvResponse() throws {
        let message = try Message(parsing: Golden.nsdSRV)
        #expect(message.questions.first?.name == name("_sip._tcp.example.com."))
        #expect(message.answers.map(\.rdata) == [.srv(priority: 10, weight: 60, port: 5060,
                                                        target: name("sip.example.com."))])
        #expect(message.answers.first?.description == "_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com.")
    }

    @Test("CAA issue property")
    func caaResponse() throws {
        let message = try Message(parsing: Golden.nsdCAA)
        let rdata = RData.caa(flags: 0, tag: Array("issue".utf8), value: Array("letsencrypt.org".utf8))
        #expect(message.answers.map(\.rdata) == [rdata])
        #expect(message.answers.first?.type == .caa)
        #expect(RDataText.format(rdata, type: .caa) == #"0 issue "letsencrypt.org""#)
    }

    @Test("AAAA answer")
    func aaaaResponse() throws {
        let message = try Message(parsing: Golden.nsdAAAA)
        #expect(message.answers.map(\.rdata) == [.aaaa(hex("20010db8000000000000000000000002"))])
    }

    @Test("NXDOMAIN with SOA in authority (RFC 2308)")
    func nxdomainResponse() throws {
        let message = try Message(parsing: Golden.nsdNXDomain)
        #expect(message.rcode == .nxDomain)
        #expect(message.header.rcodeLow == 3)
        #expect(message.answers.isEmpty)
        #expect(message.authority.count == 1)
        #expect(message.authority.first?.type == .soa)
        #expect(message.authority.first?.ttl == 300)
        #expect(message.authority.first?.name == zone)
    }

    @Test("BADVERS (16) from the OPT record's extended RCODE (RFC 6891 6.1.3)")
    func badVersResponse() throws {
        let message = try Message(parsing: Golden.nsdBadVers)
        #expect(message.header.rcodeLow == 0)
        #expect(message.edns?.extendedRcode == 1)
        #expect(message.rcode == .badVers)
        #expect(message.rcode.rawValue == 16)
        #expect(message.rcode.description == "BADVERS")
    }
}
