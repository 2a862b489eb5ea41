import Foundation
import Testing

/// Issue 11: a waiting domain is checked the moment a resolver first asks for it, in the loopback world (NSD as
/// the parent, Unbound as the resolver). Binds port 53 of 127.0.0.2-4, so it needs root.
extension Port53Suites {
    @Suite("Verified the moment a resolver asks", .serialized,
           .enabled(if: geteuid() == 0, "binds port 53 of 127.0.0.2-4: run as root"))
    struct PassiveVerificationTests {
        static let passiveLine = "an outside query asked for a waiting domain"

        func status(_ id: String, _ server: ServerProcess, key: String) throws -> String {
            try curl(server, "GET", "/api/v1/domains/\(id)", key: key).json["status"] as? String ?? ""
        }

        @Test("the resolver's first query turns a delegated domain verified in under a second, with no verify call")
        func firstQueryVerifies() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            // The scheduled first check is a minute away (the default): only the resolver's query can start one.
            let server = try world.startWistDNS(extraArguments: ["--resolver", world.resolverAddress])
            defer { server.stop() }
            let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "delegated.test"}"#)
            let id = try #require(added.json["id"] as? String)
            Thread.sleep(forTimeInterval: 0.5)
            #expect(try status(id, server, key: key) == "pending", "nothing asked yet")

            // A mail server somewhere looks the domain up through its resolver.
            let asked = Date()
            let answer = try world.dig(world.resolverAddress, ["MX", "delegated.test", "+short"])
            #expect(!answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the resolver found the MX: \(answer)")
            let seconds = try secondsUntil(5) { try status(id, server, key: key) == "verified" }
            let elapsed = Date().timeIntervalSince(asked)
            print("passive verification: resolver asked -> status verified in \(Int(elapsed * 1000)) ms")
            #expect(seconds != nil, "\(server.log)")
            #expect(elapsed < 1, "from the resolver's query to verified: \(elapsed) s")
            #expect(server.log.contains(Self.passiveLine))
        }

        @Test("our own verifier's queries never start a check; a flood from outside starts exactly one per interval")
        func ownQueriesAndFloods() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS(extraArguments: ["--resolver", world.resolverAddress, "--verify-interval", "600"])
            defer { server.stop() }
            let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
            // Not delegated at the parent: it stays pending, and the resolver never asks us about it.
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "undelegated.test"}"#)
            let id = try #require(added.json["id"] as? String)
            let report = try curl(server, "POST", "/api/v1/domains/\(id)/verify", key: key).json
            let own = (report["records"] as? [[String: Any]] ?? []).compactMap { ($0["own"] as? [String: Any])?["outcome"] as? String }
            #expect(own == ["ok", "ok", "ok", "ok"], "the verifier did ask our server")
            Thread.sleep(forTimeInterval: 0.5)
            #expect(!server.log.contains(Self.passiveLine), "the verifier's own queries carry its cookie: \(server.log)")

            // 300 queries for its names straight at our server, from outside.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flood-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let batch = (0 ..< 300).map { "\(["", "_dmarc.", "x.", "wistmail._domainkey."][$0 % 4])undelegated.test MX +norec" }
            try batch.joined(separator: "\n").write(to: folder, atomically: true, encoding: .utf8)
            _ = try world.dig(world.wistdnsListen, ["+time=1", "+tries=1", "-f", folder.path])
            _ = try secondsUntil(2) { server.log.contains(Self.passiveLine) }
            Thread.sleep(forTimeInterval: 0.5)
            let checks = server.log.components(separatedBy: Self.passiveLine).count - 1
            #expect(checks == 1, "one check for 300 queries within the interval, not \(checks)")
            #expect(try status(id, server, key: key) == "pending")
        }
    }
}
