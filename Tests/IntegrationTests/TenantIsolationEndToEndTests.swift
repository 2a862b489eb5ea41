import Foundation
import Testing

/// Issue 10 against the real binary: one customer cannot answer for another's names, a zone file never replaces a
/// domain of the API (nor the reverse), and no stored domain stops the server.
@Suite("Tenant isolation end to end", .serialized)
struct TenantIsolationEndToEndTests {
    func key(_ server: ServerProcess) throws -> String {
        try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
    }

    func add(_ server: ServerProcess, _ key: String, _ name: String) throws -> (status: Int, json: [String: Any]) {
        try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "\#(name)"}"#)
    }

    func errorMessage(_ json: [String: Any]) -> String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test("a name below another customer's domain or below a zone file is refused, and DNS answers as before")
    func overlapsAreRefused() throws {
        let server = try ServerProcess()
        let key = try key(server)
        #expect(try add(server, key, "custa.example").status == 201)
        let soa = try digShort(server, "custa.example", "SOA")

        let below = try add(server, key, "mail.custa.example")
        #expect(below.status == 409)
        #expect((below.json["error"] as? [String: Any])?["code"] as? String == "domain_conflict")
        #expect(errorMessage(below.json).contains("custa.example"))
        // custa.example's zone still answers for the name: NXDOMAIN from its own SOA, not a zone of mail.custa.example.
        let answer = try dig(server, "mail.custa.example", "SOA")
        #expect(answer.contains("status: NXDOMAIN") && answer.contains("custa.example.\t"))
        #expect(try digShort(server, "custa.example", "SOA") == soa)

        let belowFile = try add(server, key, "x.wistfare.email")
        #expect(belowFile.status == 409)
        #expect(errorMessage(belowFile.json).contains("lies below the zone wistfare.email, served from a zone file"))
        #expect(!errorMessage(belowFile.json).contains(server.zonesDirectory.path), "no server path in the message")
        let aboveDomain = try add(server, key, "example")
        #expect(aboveDomain.status == 422, "one label is not a domain")
        #expect(try add(server, key, "b.custa.example").status == 409)
        let list = try curl(server, "GET", "/api/v1/domains", key: key)
        #expect(list.json["total"] as? Int == 1)
    }

    @Test("a zone file that overlaps a domain of the API is refused on reload with a log line; the domain keeps serving")
    func fileOverlappingADomainIsRefused() throws {
        let server = try ServerProcess()
        let key = try key(server)
        let added = try add(server, key, "custb.example")
        #expect(added.status == 201)
        let id = try #require(added.json["id"] as? String)
        let soa = try digShort(server, "custb.example", "SOA")

        // The operator drops two files: the same name, and a zone below the domain.
        for (origin, file) in [("custb.example", "custb.example.zone"), ("www.custb.example", "www.custb.example.zone")] {
            let text = """
                $ORIGIN \(origin).
                $TTL 300
                @ IN SOA ns1.wistfare.net. hostmaster.wistfare.net. 99 7200 1800 1209600 300
                @ IN NS ns1.wistfare.net.
                @ IN A 192.0.2.99
                """
            try text.write(to: server.zonesDirectory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        server.signal(SIGHUP)
        try server.waitFor("www.custb.example.zone: the zone www.custb.example. lies below the zone custb.example")
        try server.waitFor("custb.example.zone: the zone custb.example. is the zone custb.example")
        #expect(try digShort(server, "custb.example", "SOA") == soa)
        #expect(try digShort(server, "www.custb.example", "A").isEmpty)
        #expect(try dig(server, "www.custb.example", "A").contains("status: NXDOMAIN"))
        let after = try curl(server, "GET", "/api/v1/domains/\(id)", key: key)
        #expect(after.json["serving"] as? Bool == true)
        #expect(after.json["records"] as? NSArray == added.json["records"] as? NSArray)
        // The other zones of the folder still load.
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.25"])

        // Once the domain is deleted, the next reload takes the files.
        #expect(try curl(server, "DELETE", "/api/v1/domains/\(id)", key: key).status == 200)
        server.signal(SIGHUP)
        try waitUntil { try digShort(server, "custb.example", "A") == ["192.0.2.99"] }
        #expect(try digShort(server, "www.custb.example", "A") == ["192.0.2.99"])
    }

    @Test("stored domains that overlap a file or cannot be built are listed with serving false; the rest serve, and deleting one never withdraws a file's zone")
    func badStoredDomainsDoNotStopTheServer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        var server = try ServerProcess(database: database)
        let key = try key(server)
        let label = String(repeating: "a", count: 63)
        let long = [label, label, label, String(repeating: "d", count: 41)].joined(separator: ".")
        let longAdd = try add(server, key, long)
        #expect(longAdd.status == 201, "233 characters fit beside wistmail._domainkey")
        #expect(try add(server, key, "fine.example").status == 201)
        #expect(try add(server, key, "www.www.x.example").status == 201)
        server.stop()

        // A domain stored before the overlap check existed: below a zone file of the folder.
        let now = Int(Date().timeIntervalSince1970 * 1000)
        let sql = """
            INSERT INTO domains (id, name, status, serial, created_at, updated_at)
                VALUES ('dom_legacyoverlap', 'x.wistfare.email', 'pending', 1, \(now), \(now));
            INSERT INTO dkim_keys (domain_id, selector, algorithm, private_key_pem, public_key, created_at)
                VALUES ('dom_legacyoverlap', 'wistmail', 'rsa', '-', 'MIIB', \(now));
            """
        #expect(try run("sqlite3", [database, sql]).status == 0)

        // An Ed25519 selector, whose key every domain gets at start-up, makes the long domain's DKIM owner too long.
        server = try ServerProcess(database: database, extraArguments: ["--dkim-ed25519-selector", "s2026-12-rotation"])
        try server.waitFor("not serving \(long)")
        try server.waitFor("not serving x.wistfare.email")
        #expect(server.process.isRunning)
        #expect(try digShort(server, "fine.example", "MX") == ["10 mail.wistfare.com."])
        #expect(try digShort(server, "www.www.x.example", "MX") == ["10 mail.wistfare.com."])
        #expect(try dig(server, long, "SOA").contains("status: REFUSED"))

        let list = try curl(server, "GET", "/api/v1/domains?pageSize=100", key: key)
        let domains = try #require(list.json["data"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: domains.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["fine.example"]?["serving"] as? Bool == true)
        #expect(byName[long]?["serving"] as? Bool == false)
        #expect((byName[long]?["problem"] as? String)?.contains("cannot be built") == true)
        #expect(byName["x.wistfare.email"]?["serving"] as? Bool == false)
        #expect((byName["x.wistfare.email"]?["problem"] as? String)?.contains("served from a zone file") == true)
        try server.waitFor("wistfare.email.zone")  // the operator's log names the file

        // Deleting the overlapping domain leaves the file's zone alone.
        #expect(try curl(server, "DELETE", "/api/v1/domains/dom_legacyoverlap", key: key).status == 200)
        #expect(try digShort(server, "wistfare.email", "MX") == ["10 mail.wistfare.net."])
        #expect(try dig(server, "wistfare.email", "SOA").contains("flags: qr aa"))
    }

    @Test("a stored domain kept out by a zone file is served again once a reload finds the file gone")
    func servedAgainAfterTheFileGoes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        var server = try ServerProcess(database: database)
        let key = try key(server)
        let added = try add(server, key, "back.example")
        let id = try #require(added.json["id"] as? String)
        server.stop()
        // While the server was stopped, the operator put a zone file above the domain.
        server = try ServerProcess(database: database)
        let file = server.zonesDirectory.appendingPathComponent("example.zone")
        try "$TTL 300\n@ SOA ns1.wistfare.net. hostmaster.wistfare.net. 1 7200 1800 1209600 300\n@ NS ns1.wistfare.net.\n"
            .write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try server.waitFor("example.zone: the zone example. lies above the zone back.example")
        #expect(try curl(server, "GET", "/api/v1/domains/\(id)", key: key).json["serving"] as? Bool == true,
                "on a reload the domain already served wins")
        server.stop()

        let withFile = try ServerProcess(zones: server.zonesDirectory, database: database)
        try withFile.waitFor("not serving back.example")
        #expect(try curl(withFile, "GET", "/api/v1/domains/\(id)", key: key).json["serving"] as? Bool == false,
                "at start-up the zones folder comes first")
        try FileManager.default.removeItem(at: withFile.zonesDirectory.appendingPathComponent("example.zone"))
        withFile.signal(SIGHUP)
        try withFile.waitFor("serving back.example (\(id)) again")
        let domain = try curl(withFile, "GET", "/api/v1/domains/\(id)", key: key).json
        #expect(domain["serving"] as? Bool == true && domain["problem"] is NSNull)
        #expect(try dig(withFile, "back.example", "SOA").contains("flags: qr aa"))
        #expect(try digShort(withFile, "back.example", "MX") == ["10 mail.wistfare.com."])
    }
}
