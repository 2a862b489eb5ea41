import Foundation
import Testing

/// Issue 12: `--log-format json` on the real binary.
@Suite("JSON logs")
struct LogFormatTests {
    @Test("with --log-format json every log line is one JSON object with time, level and message; a line about a domain has its id and name")
    func jsonLines() throws {
        let server = try ServerProcess(extraArguments: ["--log-format", "json"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "logged.example"}"#)
        let id = try #require(added.json["id"] as? String)
        #expect(try curl(server, "POST", "/api/v1/domains/\(id)/verify", key: key).status == 200)
        server.stop()
        // The first API key is shown once as plain text, never as a log line (a collector would keep it).
        // A start attempt that met a taken port ended with the command line's plain "Error: ..." exit message (not a
        // log line); ServerProcess then tried another port and keeps the whole output.
        let lines = server.log.split(separator: "\n").filter {
            !$0.hasPrefix("Created the first API key") && !$0.hasPrefix("wm_") && !$0.hasPrefix("Error: ")
        }
        #expect(lines.count > 5)
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            if let object { objects.append(object) }
        }
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
        #expect(objects.contains { ($0["time"] as? String)?.hasSuffix("Z") == true })
        let verified = try #require(objects.first { ($0["message"] as? String)?.hasPrefix("verified logged.example") == true })
        #expect(verified["domain"] as? String == id && verified["name"] as? String == "logged.example")
        #expect(objects.contains { $0["message"] as? String == "listening" && $0["api"] is String })
    }

    @Test("an unknown log format is refused before anything starts")
    func unknownFormat() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(ServerProcess.binary.path, ["serve", "--log-format", "yaml", "--db", folder.appendingPathComponent("db.sqlite").path,
                                                         "--dns-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"])
        #expect(result.status != 0 && result.output.contains("--log-format is text or json"), "\(result.output)")
    }

    @Test("a log that cannot be written (stderr on /dev/full) stops nothing: the server starts, adds and serves a domain, and exits 0 on SIGTERM", arguments: ["json", "text"])
    func unwritableLog(format: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (dnsPort, apiPort) = (LoopbackPorts.take(), LoopbackPorts.take())
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--log-format", format, "--zones", ServerProcess.repositoryZones.path,
                             "--db", folder.appendingPathComponent("db.sqlite").path, "--workers", "2",
                             "--dns-listen", "127.0.0.1:\(dnsPort)", "--api-listen", "127.0.0.1:\(apiPort)",
                             "--dkim-key-pool", "2"]
        let output = folder.appendingPathComponent("stdout")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let key = try #require(try secondsUntil(30) {
            (try? String(contentsOf: output, encoding: .utf8))?.firstMatch(of: /wm_[0-9A-Za-z]{32}/) != nil
        }.flatMap { _ in (try? String(contentsOf: output, encoding: .utf8))?.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) } })
        let api = "http://127.0.0.1:\(apiPort)/api/v1/domains"
        #expect(try secondsUntil(30) { (try? run("curl", ["-sf", "-H", "X-API-Key: \(key)", api]).status) == 0 } != nil)
        let added = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", api, "-H", "X-API-Key: \(key)",
                                     "-H", "Content-Type: application/json", "-d", #"{"name": "unlogged.example"}"#]).output
        #expect(added == "201")
        let answer = try run("dig", ["@127.0.0.1", "-p", "\(dnsPort)", "+norec", "+time=2", "+tries=3", "unlogged.example", "SOA"]).output
        #expect(answer.contains("status: NOERROR") && answer.contains("flags: qr aa"), "\(answer)")
        #expect(process.isRunning)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
