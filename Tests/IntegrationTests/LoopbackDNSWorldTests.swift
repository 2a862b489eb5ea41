import Foundation
import Testing

/// The loopback DNS world works end to end: Unbound resolves through NSD's root, `net.` and `test.` zones down
/// to WistDNS, and only ever talks to loopback servers. Binds port 53 of 127.0.0.2-4, so it needs root.
extension Port53Suites {
    @Suite("LoopbackDNSWorld: NSD parent, WistDNS child, Unbound resolver, all on loopback", .serialized,
           .enabled(if: geteuid() == 0, "binds port 53 of 127.0.0.2-4: run as root"))
    struct LoopbackDNSWorldTests {
        /// Adds `name` through the API and returns the DKIM TXT value the API gave.
        func add(_ name: String, to server: ServerProcess) throws -> String {
            let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "\#(name)"}"#)
            #expect(added.status == 201, "\(added.json)")
            let records = try #require(added.json["records"] as? [[String: Any]])
            return try #require(records.first { ($0["name"] as? String)?.contains("_domainkey") == true }?["value"] as? String)
        }

        /// Every server Unbound talked to is on loopback.
        func expectOnlyLoopback(_ world: LoopbackDNSWorld) throws {
            let servers = try world.contactedServers()
            #expect(!servers.isEmpty)
            #expect(servers.allSatisfy { $0.hasPrefix("127.") }, "Unbound contacted \(servers)")
        }

        @Test("ns1.wistfare.net resolves through root -> net. -> wistfare.net. (WistDNS)")
        func providerNameserver() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS()
            defer { server.stop() }
            #expect(try world.resolve("ns1.wistfare.net", "A") == [world.wistdnsHost])
            #expect(try world.resolve("wistfare.net", "NS").sorted() == ["ns1.wistfare.net.", "ns2.wistfare.net."])
            try expectOnlyLoopback(world)
        }

        @Test("a domain added through the API and delegated in test. resolves through Unbound")
        func delegatedDomain() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS()
            defer { server.stop() }
            let dkim = try add("delegated.test", to: server)
            let answer = try world.resolve("wistmail._domainkey.delegated.test", "TXT")
            let strings = try #require(answer.first).split(separator: "\" \"").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            #expect(strings.joined() == dkim)
            #expect(try world.resolve("delegated.test", "MX") == ["10 mail.wistfare.com."])
            try expectOnlyLoopback(world)
        }

        @Test("a domain without a delegation is NXDOMAIN through Unbound but answers from WistDNS directly")
        func undelegatedDomain() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS()
            defer { server.stop() }
            let dkim = try add("undelegated.test", to: server)
            #expect(try world.dig(world.resolverAddress, ["undelegated.test", "TXT"]).contains("status: NXDOMAIN"))
            #expect(try world.dig(world.resolverAddress, ["wistmail._domainkey.undelegated.test", "TXT"])
                .contains("status: NXDOMAIN"))
            let direct = try world.dig(world.wistdnsListen, ["+norec", "wistmail._domainkey.undelegated.test", "TXT"])
            #expect(direct.contains("status: NOERROR") && direct.contains("flags: qr aa;"))
            let strings = try world.dig(world.wistdnsListen, ["+norec", "+short", "wistmail._domainkey.undelegated.test", "TXT"])
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\" \"")
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            #expect(strings.joined() == dkim)
            try expectOnlyLoopback(world)
        }

        @Test("NSD, the parent, answers delegated.test NS with a referral to ns1/ns2.wistfare.net")
        func parentReferral() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let output = try world.dig("\(world.parentHost):\(world.parentPort)", ["+norec", "delegated.test", "NS"])
            #expect(output.contains("status: NOERROR"))
            #expect(output.contains("ANSWER: 0,"))
            #expect(!output.contains("flags: qr aa"), "a referral is not authoritative")
            let authority = output.split(separator: "\n").filter { $0.hasPrefix("delegated.test.") && $0.contains("\tNS\t") }
                .compactMap { $0.split(separator: "\t").last.map(String.init) }
            #expect(authority.sorted() == ["ns1.wistfare.net.", "ns2.wistfare.net."])
            // And no delegation at all for undelegated.test.
            #expect(try world.dig("\(world.parentHost):\(world.parentPort)", ["+norec", "undelegated.test", "NS"])
                .contains("status: NXDOMAIN"))
        }
    }
}
