import Foundation
import Testing

@Suite("SIGHUP reloads zones/; a zone that fails keeps its previous content", .serialized)
struct ReloadTests {
    @Test func reload() throws {
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let file = server.zonesDirectory.appendingPathComponent("wistfare.net.zone")
        let original = try String(contentsOf: file, encoding: .utf8)

        // A good change is served after SIGHUP.
        try original.replacingOccurrences(of: "2026112901 ; serial", with: "2026112902 ; serial")
            .replacingOccurrences(of: "192.0.2.25\n", with: "192.0.2.26\n")
            .write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try server.waitFor("SIGHUP")
        try waitUntil { try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.26"] }

        // The change is kept (in memory) for IXFR: new SOA, old SOA, the old address, new SOA, the new one, new SOA.
        let ixfr = try dig(server, "+short", "IXFR=2026112901", "wistfare.net").split(separator: "\n").map {
            $0.split(separator: " ").count > 2 ? String($0.split(separator: " ")[2]) : String($0)
        }
        #expect(ixfr == ["2026112902", "2026112901", "192.0.2.25", "2026112902", "192.0.2.26", "2026112902"], "\(ixfr)")

        // A change without a newer serial is served, with a warning: secondaries would not notice it.
        let current = try String(contentsOf: file, encoding: .utf8)
        try current.replacingOccurrences(of: "192.0.2.26\n", with: "192.0.2.27\n").write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try server.waitFor("is not newer than 2026112902")
        try current.write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try waitUntil { try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.26"] }

        // A broken file is reported with file and line, and the zone keeps serving what it had.
        try (original + "broken-line IN A 999.1.1.1\n").write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try server.waitFor("keeping the previous content")
        #expect(server.log.contains("wistfare.net.zone:"))
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.26"])
        #expect(try digShort(server, "wistfare.email", "MX") == ["10 mail.wistfare.net."], "other zones still load")

        // A new file is a new zone.
        let newZone = "$TTL 60\n@ SOA ns1.wistfare.net. hostmaster.wistfare.net. 1 2 3 4 5\n@ NS ns1.wistfare.net.\n"
            + "@ A 192.0.2.99\n"
        try newZone.write(to: server.zonesDirectory.appendingPathComponent("added.example.zone"), atomically: true,
                          encoding: .utf8)
        server.signal(SIGHUP)
        try waitUntil { try digShort(server, "added.example", "A") == ["192.0.2.99"] }
        try server.waitFor("1 zones changed, 1 unchanged, 1 with errors")

        // A removed file is a zone no longer served.
        try FileManager.default.removeItem(at: server.zonesDirectory.appendingPathComponent("added.example.zone"))
        server.signal(SIGHUP)
        try waitUntil { try dig(server, "added.example", "A").contains("status: REFUSED") }
    }

    @Test("a zones folder that cannot be listed on SIGHUP (moved away for a moment) withdraws nothing and frees no name")
    func unlistableFolder() throws {
        let server = try ServerProcess()
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let aside = server.zonesDirectory.deletingLastPathComponent()
            .appendingPathComponent(server.zonesDirectory.lastPathComponent + "-aside")
        try FileManager.default.moveItem(at: server.zonesDirectory, to: aside)
        defer { try? FileManager.default.moveItem(at: aside, to: server.zonesDirectory) }
        server.signal(SIGHUP)
        try server.waitFor("cannot list the zone folder; every zone of the folder keeps its previous content")
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.25"])
        #expect(try digShort(server, "wistfare.email", "MX") == ["10 mail.wistfare.net."])
        let taken = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "x.wistfare.email"}"#)
        #expect(taken.status == 409, "the file's name is still held")
    }
}

@Suite("wistdns check-zone")
struct CheckZoneTests {
    @Test("the example zones pass")
    func examples() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ServerProcess.repositoryZones.path)
            .filter { $0.hasSuffix(".zone") }
            .map { ServerProcess.repositoryZones.appendingPathComponent($0).path }
        #expect(!files.isEmpty)
        let result = try run(ServerProcess.binary.path, ["check-zone"] + files)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("a broken file exits 1 and names every bad line")
    func broken() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkzone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.example.zone")
        try """
        $TTL 60
        @ SOA ns hostmaster 1 2 3 4 5
        @ NS ns
        a A 300.1.1.1
        b BOGUS data
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(ServerProcess.binary.path, ["check-zone", file.path])
        #expect(result.status == 1)
        #expect(result.output.contains("bad.example.zone:4"))
        #expect(result.output.contains("bad.example.zone:5"))
    }
}
