import Foundation
import Testing

/// The records of dig's output, one per line, without comments.
private func recordLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") && !$0.isEmpty }
}

/// The whitespace-separated fields of a presentation-format record line (at least five).
private func fields(_ line: String) -> [String] {
    let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    return parts + Array(repeating: "", count: max(0, 5 - parts.count))
}

/// The serial of a presentation-format SOA line.
private func soaSerial(_ line: String) -> String? {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    return fields.count > 6 && fields[3] == "SOA" ? String(fields[6]) : nil
}

@Suite("IXFR (RFC 1995), the catalog zone (RFC 9432) and named-checkzone on every zone, against the real server",
       .serialized)
struct IncrementalTransferIntegrationTests {
    @Test("every zone's AXFR passes named-checkzone; the catalog lists them all and follows an add by IXFR")
    func catalogAndCheckzone() throws {
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let catalogBefore = try #require(soaSerial(recordLines(try dig(server, "catalog.invalid", "SOA")).first ?? ""))
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "shop.example"}"#).status == 201)

        // The catalog follows within a moment (rebuilds are coalesced for 100 ms).
        var members: [String] = []
        let deadline = Date().addingTimeInterval(5)
        repeat {
            members = recordLines(try dig(server, "+onesoa", "AXFR", "catalog.invalid")).filter { fields($0)[3] == "PTR" }
            if members.count == 3 { break }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        #expect(Set(members.map { fields($0)[4] })
            == ["wistfare.net.", "wistfare.email.", "shop.example."])
        #expect(members.allSatisfy { $0.contains(".zones.catalog.invalid.") })

        for zone in ["wistfare.net", "wistfare.email", "shop.example", "catalog.invalid"] {
            let file = server.zonesDirectory.appendingPathComponent("\(zone).axfr")
            try (try dig(server, "+onesoa", "AXFR", zone)).write(to: file, atomically: true, encoding: .utf8)
            let check = try run("named-checkzone", [zone, file.path])
            #expect(check.status == 0, "\(zone): \(check.output)")
        }

        // IXFR from the catalog's first serial: the current SOA, the old SOA, nothing removed, the new SOA, the
        // added member, the current SOA.
        let ixfr = recordLines(try dig(server, "IXFR=\(catalogBefore)", "catalog.invalid"))
        let serials = ixfr.compactMap(soaSerial)
        #expect(serials.count == 4, "\(ixfr)")
        #expect(serials[1] == catalogBefore && serials[0] == serials[2] && serials[2] == serials[3])
        #expect(ixfr.count == 5 && fields(ixfr[3])[3...] == ["PTR", "shop.example."], "\(ixfr)")
        // A client that is current gets the single SOA.
        #expect(recordLines(try dig(server, "IXFR=\(serials[0])", "catalog.invalid")).count == 1)
        // Not allowed from ::1, and never over UDP.
        #expect(try dig(server, "IXFR=\(catalogBefore)", "catalog.invalid", address: "::1").contains("Transfer failed"))
        let udp = try run("kdig", ["@127.0.0.1", "-p", "\(server.port)", "+notcp", "IXFR=\(catalogBefore)",
                                   "catalog.invalid"]).output
        #expect(udp.contains("REFUSED") && !udp.contains("PTR"), "\(udp)")
    }

    @Test("a generated zone whose records change (new provider settings at a restart) gets a newer serial, kept with its journal across restarts")
    func generatedZoneChange() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ixfr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        var server = try ServerProcess(database: database, extraArguments: ["--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "shop.example"}"#).status == 201)
        let first = try #require(soaSerial(recordLines(try dig(server, "shop.example", "SOA")).first ?? ""))
        Thread.sleep(forTimeInterval: 0.2)  // the catalog version that lists shop.example
        let catalog = try #require(soaSerial(recordLines(try dig(server, "catalog.invalid", "SOA")).first ?? ""))
        server.stop()

        // Same settings: same serials, the catalog's too. New sending address: a newer serial and one journaled
        // change.
        server = try ServerProcess(database: database, extraArguments: ["--allow-transfer", "127.0.0.1"])
        // Served at once from its stored version; then compared with the records the settings give.
        try server.waitFor("compared 1 stored zones with their domains: 0 changed")
        #expect(soaSerial(recordLines(try dig(server, "shop.example", "SOA")).first ?? "") == first)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(soaSerial(recordLines(try dig(server, "catalog.invalid", "SOA")).first ?? "") == catalog)
        server.stop()
        for changes in [1, 0] {
            server = try ServerProcess(database: database,
                                       extraArguments: ["--allow-transfer", "127.0.0.1", "--sending-ipv4", "192.0.2.99"])
            // The first start with the new address serves the stored version, finds it differs and serves the new
            // records; the second finds them stored.
            try server.waitFor("compared 1 stored zones with their domains: \(changes) changed")
            let second = try #require(soaSerial(recordLines(try dig(server, "shop.example", "SOA")).first ?? ""))
            #expect(UInt32(second)! > UInt32(first)!)
            let ixfr = recordLines(try dig(server, "IXFR=\(first)", "shop.example"))
            #expect(ixfr.compactMap(soaSerial) == [second, first, second, second], "\(ixfr)")
            #expect(ixfr.count == 6, "\(ixfr)")
            #expect(ixfr[2].contains("ip4:192.0.2.25") && ixfr[4].contains("ip4:192.0.2.99"), "\(ixfr)")
            server.stop()
        }
    }

    /// A catalog of many members stores a change as its journal entry only; a restart must serve the stored version
    /// with that journal replayed, at the serial secondaries already have, and still answer IXFR from before it.
    @Test("a catalog of 60 members journals an add without storing it whole; export and a restart replay the journal, IXFR still answered")
    func journaledCatalogAcrossRestart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = folder.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        for index in 0 ..< 60 {
            try "@ 300 IN SOA ns.provider.test. hostmaster.provider.test. 1 3600 600 86400 300\n@ 300 IN NS ns.provider.test.\n"
                .write(to: zones.appendingPathComponent("m\(index).example.zone"), atomically: true, encoding: .utf8)
        }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        var server = try ServerProcess(zones: zones, database: database, extraArguments: ["--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let first = try dig(server, "catalog.invalid", "SOA")
        let before = try #require(soaSerial(recordLines(first).first ?? ""), "\(first)\n\(server.log)")
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "shop.example"}"#).status == 201)
        var after = before
        let deadline = Date().addingTimeInterval(5)
        while after == before, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            after = soaSerial(recordLines(try dig(server, "catalog.invalid", "SOA")).first ?? "") ?? before
        }
        #expect(after != before)
        server.stop()

        // Stored whole before the add; the add is in the journal only (3 records, under a sixteenth of 63).
        let stored = try run("sqlite3", [database, "SELECT serial FROM zone_versions WHERE name = 'catalog.invalid'"]).output
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == before)
        let export = try run(ServerProcess.binary.path, ["export", "--db", database, "catalog.invalid"])
        #expect(export.status == 0 && export.output.contains("serial \(after)") && export.output.contains("shop.example."),
                "\(export.output)")

        server = try ServerProcess(zones: zones, database: database, extraArguments: ["--allow-transfer", "127.0.0.1"])
        #expect(soaSerial(recordLines(try dig(server, "catalog.invalid", "SOA")).first ?? "") == after)
        let members = recordLines(try dig(server, "+onesoa", "AXFR", "catalog.invalid")).filter { fields($0)[3] == "PTR" }
        #expect(members.count == 61)
        let ixfr = recordLines(try dig(server, "IXFR=\(before)", "catalog.invalid"))
        #expect(ixfr.compactMap(soaSerial) == [after, before, after, after], "\(ixfr)")
        #expect(ixfr.count == 5 && fields(ixfr[3])[3...] == ["PTR", "shop.example."], "\(ixfr)")
        server.stop()
    }
}

@Suite("--catalog-zone: another name, the config file, or none")
struct CatalogOptionTests {
    @Test("a named catalog is served under that name; none serves no catalog; catalogZone in the config file works too")
    func names() throws {
        var server = try ServerProcess(extraArguments: ["--catalog-zone", "members.wistfare.test"])
        #expect(try dig(server, "members.wistfare.test", "SOA").contains("status: NOERROR"))
        #expect(try dig(server, "version.members.wistfare.test", "TXT").contains("\"2\""))
        #expect(try dig(server, "catalog.invalid", "SOA").contains("status: REFUSED"))
        server.stop()

        server = try ServerProcess(extraArguments: ["--catalog-zone", "none"])
        #expect(try dig(server, "catalog.invalid", "SOA").contains("status: REFUSED"))
        #expect(try dig(server, "wistfare.net", "SOA").contains("status: NOERROR"))
        server.stop()

        let config = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString).json")
        try #"{"catalogZone": "cat.wistfare.test."}"#.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        server = try ServerProcess(extraArguments: ["--config", config.path])
        #expect(try dig(server, "cat.wistfare.test", "SOA").contains("status: NOERROR"))
        server.stop()
    }
}
