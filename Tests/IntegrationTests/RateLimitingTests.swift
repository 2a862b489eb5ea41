import Foundation
import Testing

/// Runs `scripts/udp_flood.py` against the server and returns, per stream spec, (sent, answers, truncated).
func flood(_ server: ServerProcess, seconds: Double, address: String = "127.0.0.1", _ streams: [String],
           cookie: String? = nil) async throws -> [String: (sent: Int, answers: Int, truncated: Int, spanMs: Int)] {
    let script = scriptsFolder.appendingPathComponent("udp_flood.py").path
    let target = address.contains(":") ? "[\(address)]:\(server.port)" : "\(address):\(server.port)"
    let output = try await runLong("python3", [script, "--server", target, "--seconds", "\(seconds)"]
        + streams.flatMap { ["--stream", $0] } + (cookie.map { ["--cookie", $0] } ?? [])).output
    let line = try #require(output.split(separator: "\n").last.map(String.init))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: Int]], "\(output)")
    return json.mapValues { ($0["sent"] ?? 0, $0["answers"] ?? 0, $0["truncated"] ?? 0, $0["answer_span_ms"] ?? 0) }
}

/// Response rate limiting against the real binary on loopback (issue 9): the amplification a spoofed flood could
/// get is capped, the network being flooded is told to retry over TCP, and nobody else notices.
@Suite("Response rate limiting on the real server", .serialized)
struct RateLimitingTests {
    static let dkim = "wistmail._domainkey.wistfare.email:TXT"

    @Test("a 20,000 q/s DKIM flood from one /24 gets at most the rate's answers; another source and an exempt one get all")
    func floodIsLimited() async throws {
        let server = try ServerProcess(extraArguments: ["--rrl-exempt", "127.3.0.0/16"])
        let flooder = "127.0.0.1:20000:8:\(Self.dkim)", other = "127.1.0.1:50:1:\(Self.dkim)"
        let exempt = "127.3.0.1:1000:2:\(Self.dkim)"
        let results = try await flood(server, seconds: 3, [flooder, other, exempt])
        let flood = try #require(results[flooder]), second = try #require(results[other])
        let spared = try #require(results[exempt])
        // The default rate, 200 a second: a refill for as long as answers came (3 s on a quiet machine, more when
        // the load of the other suites slowed the server) plus the one second's worth a new bucket holds.
        #expect(flood.sent > 10_000, "the flood did not reach its rate: \(flood)")
        let refill = max(3, Double(flood.spanMs) / 1000)
        #expect(Double(flood.answers) <= 200 * (refill + 1) + 5, "\(flood)")
        #expect(flood.answers >= 200 * 3 / 2, "\(flood)")
        // slip 2: every second limited response comes back empty with TC=1 (a few may be lost on the way).
        let limited = flood.sent - flood.answers
        #expect(Double(flood.truncated) > Double(limited) * 0.4 && flood.truncated <= limited / 2 + 2, "\(flood)")
        // Never limited: no truncated answer, and every answer but the few a loaded machine's UDP may lose.
        #expect(Double(second.answers) >= Double(second.sent) * 0.95 && second.truncated == 0, "\(second)")
        #expect(Double(spared.answers) >= Double(spared.sent) * 0.95 && spared.truncated == 0, "\(spared)")
        // TCP is never limited: the flooded network still gets the key over TCP.
        #expect(try dig(server, "+tcp", "+short", "wistmail._domainkey.wistfare.email", "TXT").contains("v=DKIM1"))
        // Logged once for the interval (10 s), whichever of the two UDP threads saw the flood.
        let lines = server.log.split(separator: "\n").filter { $0.contains("rate limiting 127.0.0.0/24") }
        #expect(lines.count == 1, "\(lines)")
        #expect(!server.log.contains("rate limiting 127.1.0.0") && !server.log.contains("rate limiting 127.3."))
        #expect(server.process.isRunning)
    }

    @Test("IPv6 clients are limited per /56")
    func ipv6() async throws {
        let server = try ServerProcess()
        let results = try await flood(server, seconds: 1, address: "::1", ["::1:5000:4:\(Self.dkim)"])
        let flood = try #require(results.values.first)
        #expect(flood.sent > 2000 && flood.answers <= 200 * 2 && flood.truncated > 0, "\(flood)")
    }

    @Test("--rrl-rate 0 turns it off: every answer is sent")
    func off() async throws {
        let server = try ServerProcess(extraArguments: ["--rrl-rate", "0"])
        let results = try await flood(server, seconds: 1, ["127.0.0.1:3000:4:\(Self.dkim)"])
        let flood = try #require(results.values.first)
        #expect(flood.truncated == 0 && Double(flood.answers) >= Double(flood.sent) * 0.99, "\(flood)")
        #expect(server.log.contains("response rate limiting is off"))
    }

    @Test("rate, slip and exemptions come from the config file too; bad values are refused at start")
    func configuration() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rrl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try #"{"rrlRate": 20, "rrlSlip": 1, "rrlExempt": ["127.3.0.0/16"]}"#.write(to: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(extraArguments: ["--config", config.path])
        #expect(server.log.contains("response rate limiting: 20/s per /24 and /56, slip 1, exempt 127.3.0.0/16"))
        let results = try await flood(server, seconds: 1, ["127.0.0.1:1000:2:\(Self.dkim)"])
        let flood = try #require(results.values.first)
        // slip 1: every limited response is truncated, none dropped.
        #expect(flood.answers <= 20 * 2 && flood.answers + flood.truncated >= flood.sent * 99 / 100, "\(flood)")
        for bad in [["--rrl-rate", "-1"], ["--rrl-slip", "101"], ["--rrl-exempt", "10.0.0.0/33"], ["--rrl-ipv4-prefix", "0"]] {
            let result = try run(ServerProcess.binary.path, ["serve", "--dns-listen", "127.0.0.1:0"] + bad)
            #expect(result.status != 0 && result.output.contains(bad[0]), "\(bad): \(result.output)")
        }
    }
}
