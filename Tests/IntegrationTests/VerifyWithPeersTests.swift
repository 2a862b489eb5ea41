import Foundation
import Testing

/// Verification against real peers on loopback: NSD as the parent zone's server, Unbound as the "public
/// resolver", WistDNS as the child. Binds port 53 of 127.0.0.2-4, so it needs root.
extension Port53Suites {
    @Suite("Verify and automatic onboarding with NSD and Unbound on loopback", .serialized,
           .enabled(if: geteuid() == 0, "binds port 53 of 127.0.0.2-4: run as root"))
    struct VerifyWithPeersTests {
        func key(_ server: ServerProcess) throws -> String {
            try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        }

        func add(_ name: String, to server: ServerProcess) throws -> String {
            let added = try curl(server, "POST", "/api/v1/domains", key: try key(server), body: #"{"name": "\#(name)"}"#)
            #expect(added.status == 201)
            return try #require(added.json["id"] as? String)
        }

        func verify(_ id: String, on server: ServerProcess) throws -> [String: Any] {
            let response = try curl(server, "POST", "/api/v1/domains/\(id)/verify", key: try key(server))
            #expect(response.status == 200)
            return response.json
        }

        func outcomes(_ report: [String: Any], _ source: String) -> [String] {
            (report["records"] as? [[String: Any]] ?? []).compactMap { record in
                if source == "own" { return (record["own"] as? [String: Any])?["outcome"] as? String }
                return ((record["resolvers"] as? [[String: Any]])?.first)?["outcome"] as? String
            }
        }

        @Test("a delegated domain turns verified by itself through the background job, with no verify call")
        func onboardsByItself() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS(extraArguments: ["--resolver", world.resolverAddress,
                                                                 "--verify-interval", "1", "--verify-first-check", "0"])
            defer { server.stop() }
            let id = try add("delegated.test", to: server)
            let deadline = Date().addingTimeInterval(30)
            var status = ""
            while Date() < deadline {
                status = try curl(server, "GET", "/api/v1/domains/\(id)", key: try key(server)).json["status"] as? String ?? ""
                if status == "verified" { break }
                Thread.sleep(forTimeInterval: 0.25)
            }
            #expect(status == "verified", "\(server.log)")
            let domain = try curl(server, "GET", "/api/v1/domains/\(id)", key: try key(server)).json
            #expect(domain["verified"] as? Bool == true)
            #expect((domain["records"] as? [[String: Any]])?.allSatisfy { $0["verified"] as? Bool == true } == true)

            // An explicit verify shows the evidence: our server, the resolver and the parent all agree.
            let started = Date()
            let report = try verify(id, on: server)
            let elapsed = Date().timeIntervalSince(started)
            print("verify of a delegated domain took \(Int(elapsed * 1000)) ms (curl included)")
            #expect(report["verified"] as? Bool == true)
            #expect(outcomes(report, "own") == ["ok", "ok", "ok", "ok"])
            #expect(outcomes(report, "resolver") == ["ok", "ok", "ok", "ok"])
            let delegation = try #require(report["delegation"] as? [String: Any])
            #expect(delegation["delegated"] as? Bool == true)
            #expect(delegation["parentZone"] as? String == "test")
            #expect(Set(delegation["parentNameservers"] as? [String] ?? []) == ["ns1.wistfare.net", "ns2.wistfare.net"])
            #expect((delegation["parentServers"] as? [String] ?? []).allSatisfy { $0.hasPrefix("127.") })
        }

        @Test("without a delegation at the parent: own checks pass, public ones miss, delegated false, still pending")
        func undelegated() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS(extraArguments: ["--resolver", world.resolverAddress])
            defer { server.stop() }
            let id = try add("undelegated.test", to: server)
            let report = try verify(id, on: server)
            #expect(report["verified"] as? Bool == false)
            #expect(report["status"] as? String == "pending")
            #expect(report["temporaryFailure"] as? Bool == false)
            #expect(outcomes(report, "own") == ["ok", "ok", "ok", "ok"])
            #expect(outcomes(report, "resolver") == ["missing", "missing", "missing", "missing"])
            #expect((report["delegation"] as? [String: Any])?["delegated"] as? Bool == false)
            #expect(report["nextCheckAt"] is String, "pending domains stay scheduled")
        }

        @Test("a resolver that does not answer gives temporary_failure, never a pass")
        func silentResolver() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS(extraArguments: ["--resolver", "127.0.0.9:53"])
            defer { server.stop() }
            let id = try add("delegated.test", to: server)
            let report = try verify(id, on: server)
            #expect(report["verified"] as? Bool == false)
            #expect(report["temporaryFailure"] as? Bool == true)
            #expect(report["status"] as? String == "temporary_failure")
            #expect(outcomes(report, "own") == ["ok", "ok", "ok", "ok"])
            #expect(outcomes(report, "resolver").allSatisfy { $0 == "timeout" || $0 == "error" })
        }

        @Test("a record changed behind the resolver's back is caught on the next check")
        func staleResolver() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let database = folder.appendingPathComponent("db.sqlite").path
            var server = try world.startWistDNS(database: database, extraArguments: ["--resolver", world.resolverAddress])
            let id = try add("delegated.test", to: server)
            #expect(try verify(id, on: server)["verified"] as? Bool == true)

            // The MX changes (a new mail host) while the resolver still holds the old one in its cache.
            let key = try key(server)
            server.stop()
            server = try world.startWistDNS(database: database, extraArguments: ["--resolver", world.resolverAddress,
                                                                                 "--mail-host", "mx2.wistfare.com"])
            defer { server.stop() }
            let stale = try curl(server, "POST", "/api/v1/domains/\(id)/verify", key: key).json
            #expect(stale["mxVerified"] as? Bool == false)
            let mx = (stale["records"] as? [[String: Any]])?.first
            #expect((mx?["own"] as? [String: Any])?["outcome"] as? String == "ok")
            #expect(((mx?["resolvers"] as? [[String: Any]])?.first)?["outcome"] as? String == "mismatch")
        }
    }
}
