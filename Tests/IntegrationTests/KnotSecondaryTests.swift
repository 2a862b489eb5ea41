import Foundation
import Testing

/// Knot (Debian `knot`) as a secondary of the real server, set up only with the catalog zone: TSIG on every
/// transfer and NOTIFY, members created, updated by IXFR and removed by Knot itself as the API changes them.
/// WistDNS allows transfers only to the key (no address) and Knot takes NOTIFY only with the key, so every step
/// that succeeds was signed and verified on both sides.
@Suite("A Knot secondary follows the domains API through the catalog zone, with TSIG, NOTIFY and IXFR", .serialized)
struct KnotSecondaryTests {

    @Test("add: Knot serves the domain within seconds; new settings: the new serial arrives by IXFR; delete: Knot drops it")
    func followsTheAPI() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("knot-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        let secret = Data((0 ..< 32).map { _ in UInt8.random(in: 0 ... 255) }).base64EncodedString()
        let keyName = "wistdns-xfr"
        let dnsPort = LoopbackPorts.take()
        let knotHost = "127.0.0.8"
        let knotPort = LoopbackPorts.take()
        func arguments(_ extra: [String] = []) -> [String] {
            ["--tsig-key", "\(keyName):hmac-sha256:\(secret)", "--allow-transfer", keyName,
             "--notify", "\(knotHost):\(knotPort)", "--notify-key", keyName] + extra
        }
        var server = try ServerProcess(database: database, dnsListen: ["127.0.0.1:\(dnsPort)"], extraArguments: arguments())
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let knot = try KnotSecondary(host: knotHost, port: knotPort, primaryPort: dnsPort, catalog: "catalog.invalid.",
                                     key: (keyName, secret))
        defer { knot.stop() }

        // The static zones arrive through the catalog alone.
        for zone in ["wistfare.net", "wistfare.email"] {
            let primarySOA = try ask("127.0.0.1", dnsPort, zone, "SOA")
            #expect(try secondsUntil(20) { try ask(knotHost, knotPort, zone, "SOA") == primarySOA } != nil,
                    "\(zone) not on Knot. Knot log: \(knot.log)")
        }
        // Let the NOTIFYs of our start (sent before Knot ran, retried 1 and 3 s later) be answered and Knot's
        // refreshes they cause finish, so the timing below is that of a running pair.
        Thread.sleep(forTimeInterval: 3)

        // Add: from the POST to the first complete, correct answer from Knot.
        let rrsets = [("shop.example", "SOA"), ("shop.example", "NS"), ("shop.example", "MX"), ("shop.example", "TXT"),
                      ("wistmail._domainkey.shop.example", "TXT"), ("_dmarc.shop.example", "TXT")]
        func knotMatchesPrimary() throws -> Bool {
            for (name, type) in rrsets {
                let primary = try ask("127.0.0.1", server.port, name, type)
                guard !primary.isEmpty, try ask(knotHost, knotPort, name, type) == primary else { return false }
            }
            return true
        }
        let posted = Date()
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "shop.example"}"#)
        #expect(added.status == 201)
        let id = try #require(added.json["id"] as? String)
        // Knot loads a transferred zone whole, so its first SOA answer means the zone is there; then every RRset
        // must equal ours.
        let soa = try ask("127.0.0.1", server.port, "shop.example", "SOA")
        let seconds = try secondsUntil(10) { try ask(knotHost, knotPort, "shop.example", "SOA") == soa }
        #expect(seconds != nil, "Knot log: \(knot.log)")
        print("POST /api/v1/domains -> first correct answer from Knot: \(Int(Date().timeIntervalSince(posted) * 1000)) ms")
        #expect(try knotMatchesPrimary(), "Knot log: \(knot.log)")

        // Change: other provider settings at a restart give the zone a newer serial; NOTIFY brings it to Knot by
        // IXFR.
        let oldSerial = try ask("127.0.0.1", server.port, "shop.example", "SOA")
        server.stop()
        server = try ServerProcess(database: database, dnsListen: ["127.0.0.1:\(dnsPort)"],
                                   extraArguments: arguments(["--sending-ipv4", "192.0.2.99"]))
        #expect(try ask("127.0.0.1", dnsPort, "shop.example", "SOA") != oldSerial)
        #expect(try secondsUntil(10) { try knotMatchesPrimary() } != nil, "Knot log: \(knot.log)")
        #expect(try ask(knotHost, knotPort, "shop.example", "TXT") == ["\"v=spf1 mx ip4:192.0.2.99 ~all\""])
        #expect(knot.log.contains("[shop.example.] IXFR, incoming"), "Knot log: \(knot.log)")
        #expect(!knot.log.contains("AXFR-style"), "every IXFR answer was incremental: \(knot.log)")

        // Delete: the catalog drops the member and Knot purges the zone.
        #expect(try curl(server, "DELETE", "/api/v1/domains/\(id)", key: key).status == 200)
        #expect(try secondsUntil(10) { try ask(knotHost, knotPort, "shop.example", "SOA").isEmpty } != nil,
                "Knot log: \(knot.log)")
        #expect(try run("kdig", ["@\(knotHost)", "-p", "\(knotPort)", "shop.example", "SOA"]).output.contains("REFUSED"))
        #expect(!knot.log.contains("TSIG"), "no TSIG errors: \(knot.log)")
        #expect(knot.isRunning)
        server.stop()
    }
}
