import Foundation
import Testing

/// Lines of dig or kdig output that are records (not comments): a refused or rejected transfer has none but its
/// TSIG record, whose class is ANY.
private func zoneRecordLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") && $0.contains("\tIN\t") }
}

@Suite("TSIG-signed zone transfers against the real server: dig, kdig and an NSD secondary", .serialized)
struct TSIGTransferTests {
    static let secret = "8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo="
    static let otherSecret = "nUqIU6YbEoy5qmKBl2Q1z7dw+Zfi/JlWSovGE6O8a3k="
    /// Records of `bulk.example.` besides its SOA and NS: enough for an AXFR of several messages.
    static let bulkRecords = 3000

    /// The repository's zones plus `bulk.example.`, whose AXFR takes several messages of about 16 KiB.
    static func zonesWithBulk() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tsig-zones-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ServerProcess.repositoryZones, to: folder)
        var text = "$ORIGIN bulk.example.\n$TTL 300\n@ SOA ns1.wistfare.net. hostmaster.wistfare.net. 7 3600 600 86400 60\n"
        text += "@ NS ns1.wistfare.net.\n"
        for index in 0 ..< bulkRecords { text += "h\(index) TXT \"record number \(index) of the bulk zone\"\n" }
        try text.write(to: folder.appendingPathComponent("bulk.example.zone"), atomically: true, encoding: .utf8)
        return folder
    }

    /// A server with `xfr.example` (may transfer) and `query.example` (may not) keys and no address allowed.
    static func server() throws -> ServerProcess {
        let zones = try zonesWithBulk()
        defer { try? FileManager.default.removeItem(at: zones) }
        return try ServerProcess(zones: zones, extraArguments: [
            "--tsig-key", "xfr.example:hmac-sha256:\(secret)", "--tsig-key", "query.example:hmac-sha512:\(secret)",
            "--allow-transfer", "xfr.example",
        ])
    }

    func kdig(_ server: ServerProcess, _ arguments: String...) throws -> String {
        try run("kdig", ["@127.0.0.1", "-p", "\(server.port)", "+timeout=5", "+retry=0"] + arguments).output
    }

    @Test("dig -y and kdig -y AXFR with the allowed key: every message of a multi-message transfer verifies")
    func allowedKey() throws {
        let server = try Self.server()
        let spec = "hmac-sha256:xfr.example:\(Self.secret)"
        let digOutput = try dig(server, "+time=5", "-y", spec, "AXFR", "bulk.example")
        let summary = try #require(digOutput.firstMatch(of: /XFR size: (\d+) records \(messages (\d+),/), "\(digOutput)")
        #expect(Int(summary.output.1) == Self.bulkRecords + 3)
        #expect((Int(summary.output.2) ?? 0) >= 3, "several messages")
        #expect(!digOutput.contains("Couldn't verify") && !digOutput.contains("failed"), "\(digOutput)")
        #expect(zoneRecordLines(digOutput).count == Self.bulkRecords + 3)

        let kdigOutput = try kdig(server, "-y", spec, "AXFR", "bulk.example")
        let received = try #require(kdigOutput.firstMatch(of: /\((\d+) messages, (\d+) records\)/), "\(kdigOutput)")
        #expect((Int(received.output.1) ?? 0) >= 3)
        #expect(Int(received.output.2) == Self.bulkRecords + 3)
        #expect(!kdigOutput.contains(";; WARNING") && !kdigOutput.contains(";; ERROR"), "\(kdigOutput)")
    }

    @Test("a wrong secret gets NOTAUTH with BADSIG, an unknown key BADKEY, and no zone data")
    func badSignatureAndKey() throws {
        let server = try Self.server()
        for (spec, error) in [("hmac-sha256:xfr.example:\(Self.otherSecret)", "BADSIG"),
                              ("hmac-sha256:nobody.example:\(Self.secret)", "BADKEY")] {
            let transfer = try kdig(server, "-y", spec, "AXFR", "wistfare.net")
            #expect(transfer.contains("server replied with error '\(error)'"), "\(transfer)")
            #expect(zoneRecordLines(transfer).isEmpty, "\(transfer)")
            let digTransfer = try dig(server, "-y", spec, "AXFR", "wistfare.net")
            #expect(digTransfer.contains("Transfer failed") && digTransfer.contains(error), "\(digTransfer)")
            #expect(zoneRecordLines(digTransfer).isEmpty, "\(digTransfer)")
            // An ordinary query with the same TSIG gets NOTAUTH and the error, no answer.
            let query = try dig(server, "+tcp", "-y", spec, "wistfare.net", "SOA")
            #expect(query.contains("status: NOTAUTH") && query.contains(error), "\(query)")
            #expect(zoneRecordLines(query).isEmpty, "\(query)")
        }
    }

    @Test("refused with no zone data: a valid key not in --allow-transfer, AXFR over UDP, unsigned from an address not allowed")
    func refused() throws {
        let server = try Self.server()
        let cases = [
            ("key not allowed", try kdig(server, "-y", "hmac-sha512:query.example:\(Self.secret)", "AXFR", "wistfare.net")),
            ("over UDP", try kdig(server, "+notcp", "-y", "hmac-sha256:xfr.example:\(Self.secret)", "AXFR", "wistfare.net")),
            ("IXFR over UDP", try kdig(server, "+notcp", "-y", "hmac-sha256:xfr.example:\(Self.secret)", "IXFR=1",
                                       "wistfare.net")),
            ("unsigned", try kdig(server, "AXFR", "wistfare.net")),
            ("not a zone here", try kdig(server, "-y", "hmac-sha256:xfr.example:\(Self.secret)", "AXFR", "example.org")),
        ]
        for (label, output) in cases {
            #expect(output.contains("server replied with error 'REFUSED'"), "\(label): \(output)")
            #expect(zoneRecordLines(output).isEmpty, "\(label): \(output)")
            #expect(!output.contains("failed to verify"), "\(label): the refusal to a signed request is signed: \(output)")
        }
        let unsignedDig = try dig(server, "AXFR", "wistfare.net")
        #expect(unsignedDig.contains("Transfer failed") && zoneRecordLines(unsignedDig).isEmpty, "\(unsignedDig)")
    }

    @Test("a signed ordinary query gets a signed answer that dig and kdig verify, over UDP and TCP")
    func signedQuery() throws {
        let server = try Self.server()
        for transport in ["+notcp", "+tcp"] {
            for spec in ["hmac-sha256:xfr.example:\(Self.secret)", "hmac-sha512:query.example:\(Self.secret)"] {
                let output = try dig(server, transport, "-y", spec, "wistfare.net", "MX")
                #expect(output.contains("status: NOERROR") && output.contains("10 mail.wistfare.net."), "\(output)")
                #expect(output.contains("TSIG PSEUDOSECTION") && !output.contains("Couldn't verify"), "\(output)")
                let kdigOutput = try kdig(server, transport, "-y", spec, "wistfare.net", "MX")
                #expect(kdigOutput.contains("NOERROR") && kdigOutput.contains("TSIG PSEUDOSECTION"), "\(kdigOutput)")
                #expect(!kdigOutput.contains(";; WARNING") && !kdigOutput.contains(";; ERROR"), "\(kdigOutput)")
            }
        }
        let unsigned = try dig(server, "wistfare.net", "MX")
        #expect(!unsigned.contains("TSIG"), "an unsigned query gets no TSIG: \(unsigned)")
    }

    @Test("an NSD secondary with the key transfers both zones (one of several signed messages) and answers the same")
    func nsdSecondary() throws {
        let server = try Self.server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nsd-tsig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("xfr"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let host = "127.0.0.6"
        let port = LoopbackPorts.take()
        var config = nsdServerSections(folder: folder, host: host, port: port, verbosity: 2) + """
            key:
                name: "xfr.example."
                algorithm: hmac-sha256
                secret: "\(Self.secret)"

            """
        for zone in ["wistfare.net.", "bulk.example."] {
            config += """
                zone:
                    name: "\(zone)"
                    zonefile: "\(zone)zone"
                    request-xfr: AXFR 127.0.0.1@\(server.port) xfr.example.

                """
        }
        try config.write(toFile: path("nsd.conf"), atomically: true, encoding: .utf8)
        let nsd = try SpawnedProcess("/usr/sbin/nsd", ["-d", "-c", path("nsd.conf")], output: path("nsd.stderr"))
        defer { nsd.stop() }
        func ask(_ address: String, _ port: Int, _ name: String, _ type: String) throws -> [String] {
            try run("dig", ["@\(address)", "-p", "\(port)", "+norec", "+time=1", "+tries=1", "+short", name, type])
                .output.split(separator: "\n").map(String.init)
        }
        for zone in ["wistfare.net", "bulk.example"] {
            let primarySOA = try ask("127.0.0.1", server.port, zone, "SOA")
            #expect(primarySOA.count == 1)
            var secondarySOA: [String] = []
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                #expect(nsd.isRunning, "nsd exited: \((try? String(contentsOfFile: path("nsd.stderr"), encoding: .utf8)) ?? "")")
                guard nsd.isRunning else { return }
                secondarySOA = try ask(host, port, zone, "SOA")
                if secondarySOA == primarySOA { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            let log = (try? String(contentsOfFile: path("nsd.log"), encoding: .utf8)) ?? ""
            #expect(secondarySOA == primarySOA, "\(zone): NSD log: \(log)")
        }
        for (name, type) in [("wistfare.net", "MX"), ("mail.wistfare.net", "A"), ("_dmarc.wistfare.net", "TXT"),
                             ("h0.bulk.example", "TXT"), ("h\(Self.bulkRecords - 1).bulk.example", "TXT")] {
            let primary = try ask("127.0.0.1", server.port, name, type).sorted()
            #expect(!primary.isEmpty)
            #expect(try ask(host, port, name, type).sorted() == primary, "\(name) \(type)")
        }
        let log = (try? String(contentsOfFile: path("nsd.log"), encoding: .utf8)) ?? ""
        #expect(!log.contains("bad tsig") && !log.lowercased().contains("tsig error"), "\(log)")
    }
}
