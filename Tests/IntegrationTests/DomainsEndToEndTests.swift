import Foundation
import Testing

/// `curl` against the domains API of a real `wistdns serve`.
func curl(_ server: ServerProcess, _ method: String, _ path: String, key: String, body: String? = nil) throws
    -> (status: Int, json: [String: Any]) {
    var arguments = ["-s", "-w", "\n%{http_code}", "-X", method, "http://127.0.0.1:\(server.apiPort)\(path)",
                     "-H", "X-API-Key: \(key)", "-H", "Content-Type: application/json"]
    if let body { arguments += ["-d", body] }
    let output = try run("curl", arguments).output
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
    let status = Int(lines.last ?? "") ?? 0
    let body = lines.dropLast().joined(separator: "\n")
    let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    return (status, json)
}

@Suite("Domains API end to end: add with curl, check with dig, restart, delete", .serialized)
struct DomainsEndToEndTests {
    @Test func lifecycle() throws {
        let dataFolder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataFolder) }
        let database = dataFolder.appendingPathComponent("db/wistdns.sqlite").path
        var server = try ServerProcess(database: database)

        // First start: a key with every scope is printed once; the database is private.
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let mode = try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "customer.example"}"#)
        #expect(added.status == 201)
        let id = try #require(added.json["id"] as? String)
        let records = try #require(added.json["records"] as? [[String: Any]])
        let dkimValue = try #require(records.first { ($0["name"] as? String)?.contains("_domainkey") == true }?["value"] as? String)

        // Right after the 201, every record answers, authoritatively.
        func checkZone() throws {
            #expect(try digShort(server, "customer.example", "SOA").first?.hasPrefix("ns1.wistfare.net. hostmaster.wistfare.net. ") == true)
            #expect(Set(try digShort(server, "customer.example", "NS")) == ["ns1.wistfare.net.", "ns2.wistfare.net."])
            #expect(try digShort(server, "customer.example", "MX") == ["10 mail.wistfare.com."])
            #expect(try digShort(server, "customer.example", "TXT") == ["\"v=spf1 mx ip4:192.0.2.25 ~all\""])
            #expect(try digShort(server, "_dmarc.customer.example", "TXT")
                == ["\"v=DMARC1; p=quarantine; rua=mailto:dmarc@customer.example\""])
            let dkim = try digShort(server, "wistmail._domainkey.customer.example", "TXT")
            let strings = try #require(dkim.first).split(separator: "\" \"").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            #expect(strings.count == 2 && strings.allSatisfy { $0.utf8.count <= 255 })
            #expect(strings.joined() == dkimValue)
            #expect(try dig(server, "customer.example", "SOA").contains("flags: qr aa;"))
        }
        try checkZone()
        let serial = try digShort(server, "customer.example", "SOA").first?.split(separator: " ")[2]

        // The DKIM p= is the public half of the private key the database holds (checked with openssl).
        let pem = try run("sqlite3", [database, "SELECT private_key_pem FROM dkim_keys WHERE domain_id = '\(id)'"]).output
        let pemFile = dataFolder.appendingPathComponent("key.pem")
        try pem.write(to: pemFile, atomically: true, encoding: .utf8)
        let derived = try run("sh", ["-c", "openssl pkey -in '\(pemFile.path)' -pubout -outform DER | base64 -w0"]).output
        #expect("v=DKIM1; k=rsa; p=" + derived == dkimValue)

        // After a restart on the same database, the same zone with the same serial.
        server.stop()
        server = try ServerProcess(database: database)
        #expect(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/) == nil, "no new key once one exists")
        try checkZone()
        #expect(try digShort(server, "customer.example", "SOA").first?.split(separator: " ")[2] == serial)

        // Delete: the zone is gone at once.
        let deleted = try curl(server, "DELETE", "/api/v1/domains/\(id)", key: key)
        #expect(deleted.status == 200 && deleted.json["ok"] as? Bool == true)
        #expect(try dig(server, "customer.example", "SOA").contains("status: REFUSED"))
        #expect(try curl(server, "GET", "/api/v1/domains/\(id)", key: key).status == 404)
    }

    @Test("the static zones and the API's zones are served side by side, and SIGHUP keeps the API's")
    func sideBySide() throws {
        let server = try ServerProcess()
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "side.example"}"#).status == 201)
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "wistfare.email"}"#).status == 409)
        server.signal(SIGHUP)
        try server.waitFor("SIGHUP")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try digShort(server, "side.example", "MX") == ["10 mail.wistfare.com."])
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.25"])
    }
}
