import Foundation
import Testing

/// Issue 12: a generated zone as a master file, from the API and from `wistdns export`: BIND's tools accept it,
/// `wistdns check-zone` loads it, and it holds exactly the records an AXFR of the served zone holds.
@Suite("Zone export end to end", .serialized)
struct ZoneExportTests {
    @Test("GET /domains/:id/zone and wistdns export print the served zone; named-checkzone and check-zone accept it; same records as AXFR")
    func exportMatchesTheServedZone() throws {
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "exported.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let folder = server.zonesDirectory

        let response = try run("curl", ["-s", "-D", "-", "-H", "X-API-Key: \(key)",
                                        "http://127.0.0.1:\(server.apiPort)/api/v1/domains/\(id)/zone"]).output
        let split = try #require(response.range(of: "\r\n\r\n"))
        let head = response[..<split.lowerBound].lowercased(), text = String(response[split.upperBound...])
        #expect(head.hasPrefix("http/1.1 200") && head.contains("content-type: text/dns"), "\(head)")
        let cli = try run(ServerProcess.binary.path, ["export", "--db", server.databasePath, "exported.example"])
        #expect(cli.status == 0 && cli.output == text, "the CLI prints what the API returns")

        let file = folder.appendingPathComponent("exported.example.export").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try run("named-checkzone", ["exported.example", file])
        #expect(checked.status == 0 && checked.output.contains("OK"), "\(checked.output)\n\(text)")
        let loaded = try run(ServerProcess.binary.path, ["check-zone", "--origin", "exported.example", file])
        #expect(loaded.status == 0 && loaded.output.contains("zone exported.example. loaded"), "\(loaded.output)")

        // The same records as the served zone: both in BIND's canonical form.
        let axfr = try run("dig", ["@127.0.0.1", "-p", "\(server.port)", "+tcp", "+onesoa", "+nocmd", "+nostats",
                                   "+nocomments", "AXFR", "exported.example"]).output
        let axfrFile = folder.appendingPathComponent("exported.example.axfr").path
        try axfr.write(toFile: axfrFile, atomically: true, encoding: .utf8)
        func canonical(_ path: String) throws -> String {
            try run("named-compilezone", ["-q", "-s", "full", "-o", "-", "exported.example", path]).output
        }
        let served = try canonical(axfrFile), exported = try canonical(file)
        #expect(!served.isEmpty && served == exported, "served:\n\(served)\nexported:\n\(exported)")
        #expect(exported.contains("wistmail._domainkey.exported.example"), "the DKIM key is in it")

        // Not found, not a generated zone, no key.
        #expect(try curl(server, "GET", "/api/v1/domains/dom_missing/zone", key: key).status == 404)
        #expect(try curl(server, "GET", "/api/v1/domains/\(id)/zone", key: "wm_wrong").status == 401)
        let fileZone = try run(ServerProcess.binary.path, ["export", "--db", server.databasePath, "wistfare.net"])
        #expect(fileZone.status != 0 && fileZone.output.contains("no generated zone"), "\(fileZone.output)")
    }
}
