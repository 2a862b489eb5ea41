import Foundation
import Testing

/// A loopback webhook receiver (`scripts/webhook_receiver.py`, which checks every signature with the
/// standardwebhooks library), stopped when released.
final class WebhookReceiver {
    let port: Int
    let events: URL
    private let process: SpawnedProcess

    /// Starts the receiver on `port`, or on a port the kernel picks (0); throws, with the receiver's output, when it
    /// does not listen within 30 s (a port already taken), so a test never goes on with a receiver that is not there.
    init(port: Int = 0, secret: String, folder: URL, delay: Double = 0) throws {
        let tag = UUID().uuidString.prefix(8)
        events = folder.appendingPathComponent("events-\(tag).jsonl")
        let output = folder.appendingPathComponent("receiver-\(tag).out")
        process = try SpawnedProcess("/usr/bin/env", ["python3", scriptsFolder.appendingPathComponent("webhook_receiver.py").path,
                                                      "--port", "\(port)", "--secret", secret, "--out", events.path,
                                                      "--delay", "\(delay)"],
                                     output: output.path)
        var bound: Int?
        _ = try secondsUntil(30) {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            bound = text.firstMatch(of: /listening on (\d+)/).flatMap { Int($0.1) }
            return bound != nil
        }
        guard let bound else {
            process.stop()
            throw ServerError.message("webhook receiver did not listen: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
        self.port = bound
    }

    /// What arrived so far: one dictionary per message.
    var received: [[String: Any]] {
        ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    var types: [String] { received.compactMap { $0["type"] as? String } }

    /// When the first message of `type` arrived (the receiver's clock, seconds since 1970).
    func arrival(of type: String) -> Double? {
        received.first { $0["type"] as? String == type }?["at"] as? Double
    }

    func stop() { process.stop() }
    deinit { process.stop() }
}

/// Issue 11: webhooks from a durable outbox, signed as Standard Webhooks specifies, on the real binary.
@Suite("Webhooks end to end", .serialized)
struct WebhookEndToEndTests {
    /// How long the slow receiver takes to answer each message (s).
    static let slowDelay = 4.0
    static let secret = "whsec_" + Data((0 ..< 24).map { _ in UInt8.random(in: 0 ... 255) }).base64EncodedString()

    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("every event reaches every receiver with a valid signature; a slow receiver delays no other")
    func delivered() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fast = try WebhookReceiver(secret: Self.secret, folder: folder)
        let slow = try WebhookReceiver(secret: Self.secret, folder: folder, delay: Self.slowDelay)
        let config = folder.appendingPathComponent("wistdns.json")
        try #"{"provider": {"ttl": 1}, "webhookSecret": "\#(Self.secret)"}"#.write(to: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(extraArguments: [
            "--config", config.path, "--webhook", "http://127.0.0.1:\(slow.port)/hooks",
            "--webhook", "http://127.0.0.1:\(fast.port)/hooks", "--webhook-private-addresses",
            "--verify-interval", "1", "--dkim-rotation-check", "1",
        ])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = Date()
        let id = try #require(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "hooked.example"}"#).json["id"] as? String)
        let seconds = try secondsUntil(30) { fast.types.contains("domain.created") }
        #expect(seconds != nil, "fast receiver: \(fast.received)")
        print("domain.created reached the fast receiver \(Int(Date().timeIntervalSince(added) * 1000)) ms after the add")
        // The slow receiver answers 4 s after a message arrives: had the fast one waited for that answer, its copy
        // would arrive after it. Both times are the receivers' clock, so a loaded machine cannot fake this.
        #expect(try secondsUntil(30) { slow.types.contains("domain.created") } != nil, "slow receiver: \(slow.received)")
        let fastAt = try #require(fast.arrival(of: "domain.created")), slowAt = try #require(slow.arrival(of: "domain.created"))
        #expect(fastAt < slowAt + WebhookEndToEndTests.slowDelay, "the slow receiver held up the fast one: \(fastAt - slowAt) s")

        #expect(try curl(server, "POST", "/api/v1/domains/\(id)/dkim/rotate", key: key).status == 202)
        #expect(try secondsUntil(30) { fast.types.contains("dkim.rotated") } != nil, "\(fast.types) \(server.log)")
        #expect(try curl(server, "DELETE", "/api/v1/domains/\(id)", key: key).status == 200)
        #expect(try secondsUntil(10) { fast.types.contains("domain.deleted") } != nil)
        #expect(fast.types == ["domain.created", "dkim.rotation_started", "dkim.rotated", "domain.deleted"], "in order")
        #expect(fast.received.allSatisfy { $0["verified"] as? Bool == true })
        let created = try #require(fast.received.first { $0["type"] as? String == "domain.created" }?["body"] as? String)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])
        #expect((body["data"] as? [String: Any])?["name"] as? String == "hooked.example")
        // The slow one gets them all too, in order, each message its own id.
        #expect(try secondsUntil(40) { slow.types.count == 4 } != nil,
                "\(slow.received) \(server.log.split(separator: "\n").filter { $0.contains("webhook") })")
        #expect(slow.types == fast.types)
        #expect(Set(slow.received.compactMap { $0["id"] as? String }).isDisjoint(with: fast.received.compactMap { $0["id"] as? String }))
    }

    @Test("an event for a receiver that is down survives kill -9 and is delivered after the restart")
    func survivesKill() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = LoopbackPorts.take()
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        let arguments = ["--webhook", "http://127.0.0.1:\(port)/hooks", "--webhook-secret", Self.secret,
                         "--webhook-private-addresses"]
        var server = try ServerProcess(database: database, extraArguments: arguments)
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "later.example"}"#).status == 201)
        try server.waitFor("webhook delivery failed")
        server.signal(SIGKILL)
        server.process.waitUntilExit()

        server = try ServerProcess(database: database, extraArguments: arguments)
        let receiver = try WebhookReceiver(port: port, secret: Self.secret, folder: folder)
        let seconds = try secondsUntil(30) { receiver.types.contains("domain.created") }
        #expect(seconds != nil, "\(server.log)")
        print("after the restart the waiting event arrived \(Int((seconds ?? 0) * 1000)) ms after the receiver came up")
        #expect(receiver.received.allSatisfy { $0["verified"] as? Bool == true })
        // With the webhook loop running, SIGTERM still stops the server at once (cancelling an async URLSession
        // request used to deadlock swift-corelibs-foundation here).
        let stopping = Date()
        server.stop()
        #expect(Date().timeIntervalSince(stopping) < 12, "stopped in \(Date().timeIntervalSince(stopping)) s")
    }

    @Test("a receiver on a loopback or private address is refused at start without --webhook-private-addresses")
    func addressRule() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for url in ["http://127.0.0.1:9/hooks", "http://10.0.0.1/hooks", "http://[fd00::1]/hooks"] {
            let result = try run(ServerProcess.binary.path, ["serve", "--db", folder.appendingPathComponent("db.sqlite").path,
                                                             "--dns-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                                                             "--webhook", url, "--webhook-secret", Self.secret])
            #expect(result.status != 0 && result.output.contains("private or special address"), "\(url): \(result.output)")
        }
    }
}
