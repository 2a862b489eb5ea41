import Foundation
import Testing

@Suite("wistdns keys and the config file")
struct KeysAndConfigTests {
    @Test("keys create prints a key once; list shows only its prefix; revoke turns it off")
    func keys() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("wistdns.sqlite").path
        let binary = ServerProcess.binary.path

        let created = try run(binary, ["keys", "create", "--db", db, "--name", "ci", "--scope", "domains:manage"])
        #expect(created.status == 0)
        let key = try #require(created.output.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let listed = try run(binary, ["keys", "list", "--db", db])
        #expect(listed.output.contains(String(key.prefix(10))))
        #expect(!listed.output.contains(key), "the key itself is never shown again")
        #expect(listed.output.contains("domains:manage") && listed.output.contains("active"))
        let stored = try run("sqlite3", [db, "SELECT key_hash FROM api_keys"]).output
        #expect(!stored.contains(key) && stored.trimmingCharacters(in: .whitespacesAndNewlines).count == 64)

        let id = try #require(listed.output.firstMatch(of: /key_[0-9A-Za-z]+/).map { String($0.0) })
        #expect(try run(binary, ["keys", "revoke", "--db", db, id]).status == 0)
        #expect(try run(binary, ["keys", "list", "--db", db]).output.contains("revoked"))
        #expect(try run(binary, ["keys", "revoke", "--db", db, id]).status != 0, "revoking twice fails")

        let bad = try run(binary, ["keys", "create", "--db", db, "--name", "x", "--scope", "everything"])
        #expect(bad.status != 0 && bad.output.contains("unknown scope"))
    }

    @Test("settings come from the config file; a broken file stops the server with a clear error")
    func config() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("wistdns.json")
        try #"{"provider": {"mailHost": "mx.example.net", "sendingIPv4": "203.0.113.9"}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let server = try ServerProcess(extraArguments: ["--config", file.path])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "configured.example"}"#)
        let records = try #require(added.json["records"] as? [[String: Any]])
        #expect(records.first?["value"] as? String == "mx.example.net")
        #expect(try digShort(server, "configured.example", "TXT") == ["\"v=spf1 mx ip4:203.0.113.9 ~all\""])

        try #"{"provider": {"sendingIPv4": "not-an-address"}}"#.write(to: file, atomically: true, encoding: .utf8)
        let broken = try run(ServerProcess.binary.path, ["serve", "--config", file.path, "--db",
                                                         folder.appendingPathComponent("db.sqlite").path])
        #expect(broken.status != 0)
        #expect(broken.output.contains("provider settings"))
    }

    @Test("API limits out of range are refused before anything starts", arguments: [
        ["--api-write-rate", "1e-300"], ["--api-write-rate", "-1"], ["--api-write-rate", "1e19"], ["--api-write-burst", "0"],
        ["--api-request-timeout", "0"], ["--api-max-connections", "0"],
    ])
    func badAPILimits(arguments: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(ServerProcess.binary.path, ["serve", "--db", folder.appendingPathComponent("db.sqlite").path,
                                                         "--dns-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"] + arguments)
        #expect(result.status != 0, "\(arguments)")
        #expect(result.output.contains("--api-"), "\(result.output)")
    }

    @Test("a TCP idle timeout of more than a day is refused before anything starts (its milliseconds must not overflow)")
    func tcpIdleTimeoutAtMostADay() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Through timeout(1): a server that accepted the value would run until killed.
        let result = try run("timeout", ["20", ServerProcess.binary.path, "serve", "--db",
                                          folder.appendingPathComponent("db.sqlite").path, "--dns-listen", "127.0.0.1:0",
                                          "--api-listen", "127.0.0.1:0", "--tcp-idle-timeout", "86401"])
        #expect(result.status != 0 && result.output.contains("at most 86400 seconds"), "\(result.output)")
    }
}
