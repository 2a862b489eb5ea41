import AuthEngine
import DNSWire
import Testing

@Suite("RFC 6891: EDNS(0)")
struct EDNSTests {
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    @Test("OPT is echoed with our payload size, version 0 and the DO bit")
    func echoed() throws {
        let response = try ask(store, "web.example.com.", .a,
                               edns: EDNS(udpPayloadSize: 4096, dnssecOK: true,
                                          options: [EDNS.Option(code: 65001, data: [1, 2, 3])]))
        let edns = try #require(response.edns)
        #expect(edns.udpPayloadSize == 1232)
        #expect(edns.version == 0)
        #expect(edns.dnssecOK)
        #expect(edns.options.isEmpty, "unknown options are ignored, not echoed")
        #expect(response.answers.count == 1)
    }

    @Test("no OPT in the query, none in the response")
    func absent() throws {
        #expect(try ask(store, "web.example.com.", .a).edns == nil)
    }

    @Test("a version above 0 gets BADVERS with an OPT record and no data")
    func badVersion() throws {
        let response = try ask(store, "web.example.com.", .a, edns: EDNS(udpPayloadSize: 1232, version: 1))
        #expect(response.rcode == .badVers)
        #expect(response.edns?.version == 0)
        #expect(response.answers.isEmpty)
    }

    @Test("negative answers carry OPT as well")
    func negativeWithOPT() throws {
        let response = try ask(store, "nope.example.com.", .a, edns: EDNS(udpPayloadSize: 1232))
        #expect(response.rcode == .nxDomain)
        #expect(response.edns != nil)
    }
}

@Suite("RFC 1035 4.2.1, RFC 2181 9, RFC 6891 7: UDP size limits and truncation")
struct TruncationTests {
    /// A 2048-bit DKIM record (392 characters of key) under a long name: over 512 octets in a UDP answer.
    static let dkimValue = "v=DKIM1; k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)
        + "MIIBCgKCAQEAqwertyuiopasdfghjk"
    static var zone: String {
        let bytes = Array(dkimValue.utf8)
        let first = String(decoding: bytes[..<255], as: UTF8.self)
        let second = String(decoding: bytes[255...], as: UTF8.self)
        return """
        $ORIGIN a-rather-long-customer-sending-domain-name.example.
        $TTL 3600
        @ SOA ns1.wistfare.net. hostmaster.wistfare.net. 1 7200 900 1209600 300
        @ NS ns1.wistfare.net.
        wistmail._domainkey TXT "\(first)" "\(second)"
        """
    }
    static let dkimName = "wistmail._domainkey.a-rather-long-customer-sending-domain-name.example."

    let store: ZoneStore

    init() throws { store = try makeStore([("a-rather-long-customer-sending-domain-name.example.", TruncationTests.zone)]) }

    @Test("without EDNS a DKIM answer over 512 octets is sent with TC and no partial data")
    func truncatedWithoutEDNS() throws {
        let response = try ask(store, TruncationTests.dkimName, .txt)
        #expect(response.header.isTruncated)
        #expect(response.answers.isEmpty && response.authority.isEmpty)
        #expect(response.questions.count == 1)
        #expect(response.encoded().count <= 512)
    }

    @Test("with EDNS 1232 it fits, and its strings concatenate to the record")
    func fitsWithEDNS() throws {
        let response = try ask(store, TruncationTests.dkimName, .txt, edns: EDNS(udpPayloadSize: 1232))
        #expect(!response.header.isTruncated)
        guard case .txt(let strings) = try #require(response.answers.first).rdata else {
            Issue.record("not TXT")
            return
        }
        #expect(strings.allSatisfy { $0.count <= 255 })
        #expect(String(decoding: strings.joined(), as: UTF8.self) == TruncationTests.dkimValue)
    }

    @Test("a payload size below 512 is treated as 512")
    func tinyPayload() throws {
        let response = try ask(store, TruncationTests.dkimName, .txt, edns: EDNS(udpPayloadSize: 100))
        #expect(response.header.isTruncated)
        #expect(response.edns != nil, "OPT always fits")
    }

    @Test("over TCP the whole answer is sent")
    func tcp() throws {
        let response = try ask(store, TruncationTests.dkimName, .txt, over: .tcp)
        #expect(!response.header.isTruncated)
        #expect(response.answers.count == 1)
    }

    @Test("the client's payload size is capped at ours")
    func cappedAtOurs() throws {
        let big = String(repeating: "x", count: 200)
        let strings = (0 ..< 7).map { _ in "\"\(big)\"" }.joined(separator: " ")
        let zone = """
        $ORIGIN big.example.
        $TTL 60
        @ SOA ns hostmaster 1 2 3 4 5
        @ NS ns
        @ TXT \(strings)
        """
        let store = try makeStore([("big.example.", zone)])
        // About 1,450 octets: more than our 1232 even though the client offers 4096.
        let response = try ask(store, "big.example.", .txt, edns: EDNS(udpPayloadSize: 4096))
        #expect(response.header.isTruncated)
        #expect(response.encoded().count <= 1232)
    }
}
