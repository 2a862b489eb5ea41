import Foundation
import Testing

/// Regression of issue 9's packet of death: a name with a repeated label (`a.a.example.org`) crashed the whole
/// process in name compression while the question of the answer was written, from a query over UDP or TCP, and
/// from the API (a domain `www.www.x.example`, whose zone and verification write such names).
@Suite("Names with repeated labels never stop the server", .serialized)
struct PacketOfDeathTests {
    @Test("queries over UDP and TCP, IPv4 and IPv6, inside and outside our zones, are answered")
    func queries() throws {
        let server = try ServerProcess()
        for (name, status) in [("a.a.example.org", "REFUSED"), ("www.www.wistfare.net", "NXDOMAIN"),
                               ("mail.mail.wistfare.net", "NXDOMAIN"), ("x.x.x.wistfare.email", "NOERROR")] {
            for transport in ["+notcp", "+tcp"] {
                for address in ["127.0.0.1", "::1"] {
                    let output = try dig(server, transport, name, "A", address: address)
                    #expect(output.contains("status: \(status)"), "\(name) \(transport) @\(address): \(output)")
                }
            }
        }
        #expect(server.process.isRunning)
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.25"])
    }

    @Test("a domain with a repeated label is added, served, verified and survives a restart")
    func apiDomain() throws {
        let dataFolder = FileManager.default.temporaryDirectory.appendingPathComponent("pod-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataFolder) }
        let database = dataFolder.appendingPathComponent("wistdns.sqlite").path
        var server = try ServerProcess(database: database)
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "www.www.x.example"}"#)
        #expect(added.status == 201)
        let id = try #require(added.json["id"] as? String)
        #expect(try digShort(server, "www.www.x.example", "MX") == ["10 mail.wistfare.com."])
        let verified = try curl(server, "POST", "/api/v1/domains/\(id)/verify", key: key)
        #expect(verified.status == 200)
        #expect(server.process.isRunning)
        server.stop()
        server = try ServerProcess(database: database)
        #expect(try digShort(server, "_dmarc.www.www.x.example", "TXT").count == 1)
        #expect(server.process.isRunning)
    }
}
