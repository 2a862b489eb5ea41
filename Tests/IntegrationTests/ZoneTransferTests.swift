import Foundation
import Testing

/// The answer records of dig's output, one per line (comments and blank lines left out).
private func answerLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") && !$0.isEmpty }
}

/// The type field of a presentation-format record line.
private func type(of line: String) -> String {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    return fields.count > 3 ? String(fields[3]) : ""
}

@Suite("AXFR (RFC 5936) against the real server, checked by dig, named-checkzone and an NSD secondary", .serialized)
struct ZoneTransferTests {
    @Test("with --allow-transfer 127.0.0.1, dig AXFR gets the whole zone, SOA first and last")
    func allowed() throws {
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let output = try dig(server, "AXFR", "wistfare.net")
        let lines = answerLines(output)
        #expect(!output.contains("Transfer failed"), "\(output)")
        #expect(lines.count == 19, "\(output)")
        #expect(type(of: lines.first ?? "") == "SOA")
        #expect(lines.last == lines.first)
        #expect(lines.filter { type(of: $0) == "SOA" }.count == 2)
        for expected in ["NS", "MX", "TXT", "CAA", "A", "AAAA", "CNAME", "SRV"] {
            #expect(lines.contains { type(of: $0) == expected }, "no \(expected) record")
        }
        #expect(lines.contains { $0.hasPrefix("ns1.lab.wistfare.net.") }, "glue of the delegation is transferred")

        // The transferred zone passes named-checkzone (the trailing SOA left out with +onesoa).
        let file = server.zonesDirectory.appendingPathComponent("axfr.out")
        try (try dig(server, "+onesoa", "AXFR", "wistfare.net")).write(to: file, atomically: true, encoding: .utf8)
        let check = try run("named-checkzone", ["wistfare.net", file.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("OK"))

        // The same server refuses the transfer to ::1 (not allowed) and for a zone it does not serve.
        #expect(try dig(server, "AXFR", "wistfare.net", address: "::1").contains("Transfer failed"))
        #expect(try dig(server, "AXFR", "example.org").contains("Transfer failed"))
    }

    @Test("without --allow-transfer every AXFR is refused")
    func refusedByDefault() throws {
        let server = try ServerProcess()
        let output = try dig(server, "AXFR", "wistfare.net")
        #expect(output.contains("Transfer failed"), "\(output)")
        #expect(!output.contains("IN\tSOA"), "no zone data leaks")
    }

    @Test("allowTransfer in the config file allows AXFR like the option does")
    func configFile() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString).json")
        try #"{"allowTransfer": ["::1"]}"#.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let server = try ServerProcess(extraArguments: ["--config", config.path])
        let output = try dig(server, "AXFR", "wistfare.net", address: "::1")
        #expect(answerLines(output).count == 19, "\(output)")
        #expect(try dig(server, "AXFR", "wistfare.net").contains("Transfer failed"), "127.0.0.1 is not allowed")
    }

    @Test("an NSD secondary transfers the zone and answers the same")
    func nsdSecondary() throws {
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nsd-secondary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("xfr"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let host = "127.0.0.5"
        let port = LoopbackPorts.take()
        // request-xfr with AXFR: NSD asks for AXFR straight away (IXFR is not offered yet).
        try (nsdServerSections(folder: folder, host: host, port: port, verbosity: 2) + """
            zone:
                name: "wistfare.net."
                zonefile: "wistfare.net.zone"
                request-xfr: AXFR 127.0.0.1@\(server.port) NOKEY
                allow-notify: 127.0.0.1 NOKEY

            """).write(toFile: path("nsd.conf"), atomically: true, encoding: .utf8)
        let nsd = try SpawnedProcess("/usr/sbin/nsd", ["-d", "-c", path("nsd.conf")], output: path("nsd.stderr"))
        defer { nsd.stop() }
        func ask(_ address: String, _ port: Int, _ name: String, _ type: String) throws -> [String] {
            try run("dig", ["@\(address)", "-p", "\(port)", "+norec", "+time=1", "+tries=1", "+short", name, type])
                .output.split(separator: "\n").map(String.init)
        }
        let primarySOA = try ask("127.0.0.1", server.port, "wistfare.net", "SOA")
        #expect(primarySOA.count == 1)
        var secondarySOA: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            #expect(nsd.isRunning, "nsd exited: \((try? String(contentsOfFile: path("nsd.stderr"), encoding: .utf8)) ?? "")")
            guard nsd.isRunning else { return }
            secondarySOA = try ask(host, port, "wistfare.net", "SOA")
            if secondarySOA == primarySOA { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let log = (try? String(contentsOfFile: path("nsd.log"), encoding: .utf8)) ?? ""
        #expect(secondarySOA == primarySOA, "NSD log: \(log)")
        for (name, type) in [("wistfare.net", "NS"), ("wistfare.net", "MX"), ("ns1.wistfare.net", "AAAA"),
                             ("mail.wistfare.net", "A"), ("_dmarc.wistfare.net", "TXT"),
                             ("_imaps._tcp.wistfare.net", "SRV")] {
            let primary = try ask("127.0.0.1", server.port, name, type).sorted()
            #expect(!primary.isEmpty)
            #expect(try ask(host, port, name, type).sorted() == primary, "\(name) \(type)")
        }
    }
}
