import Foundation
import Testing

/// Runs `scripts/http_hold.py` against the server's API (and its DNS over TCP) and returns its JSON report.
func holdHTTP(_ server: ServerProcess, key: String, arguments: [String]) async throws -> [String: Any] {
    let script = scriptsFolder.appendingPathComponent("http_hold.py").path
    let output = try await runLong("python3", [script, "--server", "127.0.0.1:\(server.apiPort)", "--key", key,
                                               "--dns", "127.0.0.1:\(server.port)"] + arguments).output
    let line = try #require(output.split(separator: "\n").last.map(String.init))
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
}

/// Issue 10: the API against hostile HTTP clients, on the real binary.
@Suite("API limits on the real server", .serialized)
struct APILimitsEndToEndTests {
    func kind(_ result: [String: Any], _ name: String) -> [String: Any] {
        ((result["kinds"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    @Test("500 connections trickling a head, 50 idle and 20 trickling a body are all closed within the request timeout; normal requests are answered within 1 s meanwhile")
    func slowloris() async throws {
        let server = try ServerProcess(extraArguments: ["--api-request-timeout", "3"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let result = try await holdHTTP(server, key: key, arguments: ["--trickle-head", "500", "--idle", "50",
                                                                      "--trickle-body", "20", "--seconds", "6"])
        for (name, count) in [("head", 500), ("idle", 50), ("body", 20)] {
            let report = kind(result, name)
            #expect(report["opened"] as? Int == count, "\(name): \(report)")
            #expect(report["closed_by_server"] as? Int == count, "\(name): \(report)")
            #expect((report["last_close_s"] as? Double ?? 99) < 4.5, "\(name) closed within 3 s (+ slack): \(report)")
        }
        let normal = try #require(result["normal"] as? [[String: Any]])
        #expect(normal.count >= 5 && normal.allSatisfy { $0["status"] as? Int == 200 }, "\(normal)")
        #expect((result["normal_max_ms"] as? Double ?? 9999) < 1000, "\(result)")
        #expect(result["dns_tcp_ok"] as? Int == result["dns_tcp_asked"] as? Int)
        #expect(server.process.isRunning)
    }

    @Test("with 1,024 descriptors, 1,100 idle API connections never exhaust them: DNS over TCP keeps answering and the API resumes")
    func descriptorFlood() async throws {
        let server = try ServerProcess(extraArguments: ["--api-request-timeout", "3"],
                                       launcher: ["prlimit", "--nofile=1024:1024", "--"])
        #expect(server.log.contains("--api-max-connections 1024 does not fit the open-file limit (1024): using 256"))
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let result = try await holdHTTP(server, key: key, arguments: ["--idle", "1100", "--seconds", "16"])
        #expect(kind(result, "idle")["opened"] as? Int == 1100)
        // DNS over TCP is answered all along, the API serves again once the idle connections have been closed.
        let asked = try #require(result["dns_tcp_asked"] as? Int)
        #expect(asked >= 3 && result["dns_tcp_ok"] as? Int == asked, "\(result)")
        #expect((result["normal_ok"] as? Int ?? 0) >= 1, "\(result)")
        #expect(!server.log.contains("Too many open files") && !server.log.contains("pausing for 100 ms"), "\(server.log)")
        #expect(try curl(server, "GET", "/api/v1/domains", key: key).status == 200)
        #expect(server.process.isRunning)
    }
}
