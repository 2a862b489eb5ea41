import Foundation
import Testing

@Suite("UDP limits, truncation, TCP and EDNS against the real server", .serialized)
struct TransportTests {
    let server: ServerProcess
    /// A sending domain with a long name, whose DKIM answer (about 560 octets) cannot fit in 512.
    static let longDomain = "customer-with-a-rather-long-sending-domain-name.example"
    static let dkimName = "wistmail._domainkey.\(longDomain)"

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zones-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ServerProcess.repositoryZones, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The DKIM record of the example zone, moved under the long name.
        let example = try String(contentsOf: folder.appendingPathComponent("wistfare.email.zone"), encoding: .utf8)
        let dkim = try #require(example.range(of: #"wistmail\._domainkey TXT \([^)]*\)"#, options: .regularExpression))
        try """
        $TTL 3600
        @ SOA ns1.wistfare.net. hostmaster.wistfare.net. 1 7200 1800 1209600 300
        @ NS ns1.wistfare.net.
        \(example[dkim])
        """.write(to: folder.appendingPathComponent("\(TransportTests.longDomain).zone"), atomically: true,
                  encoding: .utf8)
        server = try ServerProcess(zones: folder)
    }

    @Test("a DKIM answer too big for 512 octets comes back TC and dig retries over TCP")
    func truncatedThenTCP() throws {
        let output = try dig(server, "+noedns", "+norec", TransportTests.dkimName, "TXT")
        #expect(output.contains("Truncated, retrying in TCP mode"))
        #expect(output.contains("ANSWER: 1"))
        #expect(output.contains("v=DKIM1"))
    }

    @Test("with +ignore, the truncated UDP answer itself is shown: tc set, nothing partial")
    func truncatedUDP() throws {
        let output = try dig(server, "+noedns", "+ignore", TransportTests.dkimName, "TXT")
        #expect(output.contains("flags: qr aa tc;") || output.contains("flags: qr tc aa;"))
        #expect(output.contains("ANSWER: 0"))
    }

    @Test("EDNS 512 is also too small; EDNS 1232 fits", arguments: [(512, true), (1232, false), (4096, false)])
    func bufferSizes(size: Int, truncated: Bool) throws {
        let output = try dig(server, "+ignore", "+bufsize=\(size)", TransportTests.dkimName, "TXT")
        #expect(output.contains(" tc") == truncated)
        #expect(output.contains("udp: 1232"), "our payload size is advertised")
    }

    @Test("over TCP")
    func tcp() throws {
        let output = try dig(server, "+tcp", "wistfare.net", "MX")
        #expect(output.contains("status: NOERROR"))
        #expect(output.contains("10 mail.wistfare.net."))
    }

    @Test("over TCP on IPv6")
    func tcpIPv6() throws {
        #expect(try dig(server, "+tcp", "+short", "ns1.wistfare.net", "A", address: "::1") == "192.0.2.53\n")
    }

    @Test("several queries on one TCP connection (kdig +keepopen)")
    func pipelined() throws {
        let output = try run("kdig", ["@127.0.0.1", "-p", "\(server.port)", "+tcp", "+keepopen", "+norec",
                                      "mail.wistfare.net", "A", "ns1.wistfare.net", "A", "wistfare.net", "MX"]).output
        #expect(output.contains("192.0.2.25"))
        #expect(output.contains("192.0.2.53"))
        #expect(output.contains("mail.wistfare.net."))
        #expect(output.components(separatedBy: "status: NOERROR").count == 4)
    }

    @Test("EDNS version 1 gets BADVERS")
    func badVersion() throws {
        #expect(try dig(server, "+edns=1", "+noednsneg", "wistfare.net", "SOA").contains("status: BADVERS"))
    }

    @Test("the DO bit is echoed")
    func dnssecOK() throws {
        #expect(try dig(server, "+dnssec", "wistfare.net", "SOA").contains("flags: do;"))
    }

    @Test("the question's case is echoed as sent")
    func caseEchoed() throws {
        let output = try dig(server, "MaIl.WiStFaRe.NeT", "A")
        #expect(output.contains(";MaIl.WiStFaRe.NeT.\t"))
        #expect(output.contains("192.0.2.25"))
    }
}
