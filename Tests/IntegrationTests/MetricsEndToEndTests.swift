import Foundation
import Testing

/// Issue 12: `--metrics-listen` on the real binary: the counters move by exactly what a scripted set of queries
/// and API calls did, the text is valid for the reference Prometheus parser, and the health checks answer.
@Suite("Metrics and health checks end to end", .serialized)
struct MetricsEndToEndTests {
    /// Every sample of `/metrics`, parsed by prometheus_client (`scripts/parse_metrics.py`); fails the test when the
    /// text is not valid exposition format.
    static func scrape(_ port: Int) throws -> [String: Double] {
        let text = try run("curl", ["-s", "http://127.0.0.1:\(port)/metrics"]).output
        let parsed = try run("python3", [scriptsFolder.appendingPathComponent("parse_metrics.py").path], input: Data(text.utf8))
        #expect(parsed.status == 0, "\(parsed.output)\n\(text)")
        let json = try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [String: Double]
        return try #require(json, "\(parsed.output)")
    }

    /// Sends raw bytes over UDP and waits up to a second for an answer; true when one came.
    static func sendUDP(_ hex: String, port: Int) throws -> Bool {
        let script = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
        s.sendto(bytes.fromhex(sys.argv[1]), ("127.0.0.1", int(sys.argv[2])))
        try:
            s.recvfrom(4096); print("answered")
        except socket.timeout:
            print("silent")
        """
        return try run("python3", ["-c", script, hex, "\(port)"]).output.contains("answered")
    }

    @Test("after scripted queries and API calls each counter moved by exactly what was sent; the text parses")
    func countersMoveExactly() throws {
        let metricsPort = LoopbackPorts.take()
        let server = try ServerProcess(extraArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        _ = try secondsUntil(10) { (try? run("curl", ["-sf", "http://127.0.0.1:\(metricsPort)/healthz"]).status) == 0 }
        let before = try Self.scrape(metricsPort)

        func dig(_ arguments: [String]) throws -> String {
            try run("dig", ["@127.0.0.1", "-p", "\(server.port)", "+time=2", "+tries=1"] + arguments).output
        }
        for _ in 0 ..< 3 { #expect(try dig(["+nocookie", "SOA", "wistfare.net"]).contains("NOERROR")) }
        #expect(try dig(["+nocookie", "A", "nothing-here.wistfare.net"]).contains("NXDOMAIN"))
        #expect(try dig(["+nocookie", "A", "example.org"]).contains("REFUSED"))
        #expect(try dig(["+cookie", "TXT", "wistfare.net"]).contains("NOERROR"))
        for _ in 0 ..< 2 { #expect(try dig(["+nocookie", "+tcp", "MX", "wistfare.net"]).contains("NOERROR")) }
        #expect(try dig(["+nocookie", "AXFR", "wistfare.net"]).contains("Transfer failed"))
        // Five octets: dropped. A header that promises a question it lacks: FORMERR.
        #expect(try !Self.sendUDP("0102030405", port: server.port))
        #expect(try Self.sendUDP("123401000001000000000000", port: server.port))

        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "counted.example"}"#).status == 201)
        #expect(try curl(server, "GET", "/api/v1/domains", key: key).status == 200)
        #expect(try curl(server, "GET", "/api/v1/domains/dom_missing", key: key).status == 404)
        #expect(try curl(server, "GET", "/api/v1/domains", key: "wm_wrong").status == 401)

        let after = try Self.scrape(metricsPort)
        func moved(_ sample: String) -> Double { (after[sample] ?? 0) - (before[sample] ?? 0) }
        let expected: [String: Double] = [
            #"wistdns_dns_queries_total{transport="udp"}"#: 8,
            #"wistdns_dns_queries_total{transport="tcp"}"#: 3,
            #"wistdns_dns_queries_by_type_total{qtype="SOA"}"#: 3,
            #"wistdns_dns_queries_by_type_total{qtype="A"}"#: 2,
            #"wistdns_dns_queries_by_type_total{qtype="TXT"}"#: 1,
            #"wistdns_dns_queries_by_type_total{qtype="MX"}"#: 2,
            #"wistdns_dns_queries_by_type_total{qtype="AXFR"}"#: 1,
            #"wistdns_dns_responses_total{rcode="NOERROR"}"#: 6,
            #"wistdns_dns_responses_total{rcode="NXDOMAIN"}"#: 1,
            #"wistdns_dns_responses_total{rcode="REFUSED"}"#: 2,
            #"wistdns_dns_responses_total{rcode="FORMERR"}"#: 1,
            "wistdns_dns_dropped_total": 1,
            "wistdns_dns_truncated_responses_total": 0,
            #"wistdns_dns_cookies_total{cookie="client_only"}"#: 1,
            #"wistdns_dns_transfers_total{result="refused",type="AXFR"}"#: 1,
            "wistdns_dns_tcp_connections_accepted_total": 3,
            #"wistdns_api_requests_total{method="POST",route="/api/v1/domains",status="201"}"#: 1,
            #"wistdns_api_requests_total{method="GET",route="/api/v1/domains",status="200"}"#: 1,
            #"wistdns_api_requests_total{method="GET",route="/api/v1/domains/{id}",status="404"}"#: 1,
            #"wistdns_api_requests_total{method="GET",route="/api/v1/domains",status="401"}"#: 1,
        ]
        for (sample, count) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(moved(sample) == count, "\(sample)")
        }
        #expect(after["wistdns_zones_served"] == before["wistdns_zones_served"].map { $0 + 1 }, "the new domain's zone")
        #expect(moved("wistdns_zone_snapshot_publishes_total") >= 1)
        #expect((after["wistdns_sqlite_write_seconds_count"] ?? 0) > (before["wistdns_sqlite_write_seconds_count"] ?? 0))
        #expect(after[#"wistdns_api_request_duration_seconds_count{method="POST",route="/api/v1/domains",status="201"}"#] == 1)
        #expect(after["wistdns_dns_tcp_connections"] != nil)
        #expect(after["wistdns_zones_reload_failures"] == 0)
    }

    @Test("/healthz answers; /readyz is 200 when ready and 503 with the reason while another process holds the database's write lock")
    func health() throws {
        let metricsPort = LoopbackPorts.take()
        let server = try ServerProcess(extraArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"])
        _ = try secondsUntil(10) { (try? run("curl", ["-sf", "http://127.0.0.1:\(metricsPort)/healthz"]).status) == 0 }
        func get(_ path: String) throws -> (code: String, body: String) {
            let output = try run("curl", ["-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(metricsPort)\(path)"]).output
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(try get("/healthz") == ("200", "ok"))
        #expect(try get("/readyz") == ("200", "ready"))
        // The sqlite3 shell (a backup, an operator) takes the write lock and keeps it.
        let locker = try SpawnedProcess("/usr/bin/env", ["python3", "-c", """
            import sqlite3, time
            db = sqlite3.connect("\(server.databasePath)", isolation_level=None)
            db.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(30)
            """], output: server.databasePath + ".locker")
        defer { locker.stop() }
        _ = try secondsUntil(10) { ((try? String(contentsOfFile: server.databasePath + ".locker", encoding: .utf8)) ?? "").contains("locked") }
        let blocked = try get("/readyz")
        #expect(blocked.code == "503" && blocked.body.contains("database not writable"), "\(blocked)")
        // One check at a time: probes that come while a check waits out SQLite's 5 s busy timeout get the last
        // result at once instead of a place in a queue of such waits (ten probes would otherwise take 50 s).
        let storm = try run("python3", ["-c", """
            import threading, time, urllib.request, urllib.error
            url = "http://127.0.0.1:\(metricsPort)/readyz"
            results = []
            def probe():
                start = time.monotonic()
                try:
                    code = urllib.request.urlopen(url, timeout=60).status
                except urllib.error.HTTPError as error:
                    code = error.code
                results.append((code, time.monotonic() - start))
            first = threading.Thread(target=probe); first.start(); time.sleep(1.5)
            results.clear()
            others = [threading.Thread(target=probe) for _ in range(10)]
            for thread in others: thread.start()
            for thread in others: thread.join()
            print(len(results), sorted(set(code for code, _ in results)), round(max(t for _, t in results), 2))
            first.join()
            """]).output.split(separator: " ")
        #expect(storm.count == 3 && storm[0] == "10" && storm[1] == "[503]", "\(storm)")
        #expect((Double(storm.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 99) < 3, "\(storm)")
        locker.stop()
        #expect(try secondsUntil(15) { try get("/readyz").code == "200" } != nil)
        #expect(try get("/nothing").code == "404")
    }

    @Test("SIGTERM stops the server with both HTTP listeners at once and logs nothing at error level")
    func quietShutdown() throws {
        let metricsPort = LoopbackPorts.take()
        let server = try ServerProcess(extraArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "GET", "/api/v1/domains", key: key).status == 200)
        _ = try secondsUntil(10) { (try? run("curl", ["-sf", "http://127.0.0.1:\(metricsPort)/healthz"]).status) == 0 }
        let stopping = Date()
        server.signal(SIGTERM)
        server.process.waitUntilExit()
        #expect(Date().timeIntervalSince(stopping) < 10)
        #expect(server.process.terminationStatus == 0, "\(server.log)")
        let errors = server.log.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("a request still unfinished at SIGTERM (half a body, a 300 s request timeout) holds the stop up for the 10 s graceful limit and is cut off; exit 0, nothing at error level")
    func stopWithARequestInFlight() throws {
        let server = try ServerProcess(extraArguments: ["--api-request-timeout", "300"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let answer = server.databasePath + ".answer"
        let client = try SpawnedProcess("/usr/bin/env", ["python3", "-c", """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(server.apiPort)))
            s.sendall(b'POST /api/v1/domains HTTP/1.1\\r\\nHost: x\\r\\nX-API-Key: \(key)\\r\\n'
                      b'Content-Type: application/json\\r\\nContent-Length: 100\\r\\n\\r\\n{"name"')
            print("sent", flush=True)
            s.settimeout(60)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            print(data.decode(errors="replace"), flush=True)
            """], output: answer)
        defer { client.stop() }
        _ = try secondsUntil(10) { ((try? String(contentsOfFile: answer, encoding: .utf8)) ?? "").contains("sent") }
        Thread.sleep(forTimeInterval: 0.5)
        let stopping = Date()
        server.signal(SIGTERM)
        server.process.waitUntilExit()
        let took = Date().timeIntervalSince(stopping)
        #expect(took > 9 && took < 25, "\(took) s")
        #expect(server.process.terminationStatus == 0, "\(server.log)")
        let errors = server.log.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
        #expect(errors.isEmpty, "\(errors)")
        // The cut-off request's connection is closed (with a 503 shutting_down when it can still be written).
        #expect(try secondsUntil(10) { !client.isRunning } != nil)
        let reply = ((try? String(contentsOfFile: answer, encoding: .utf8)) ?? "").dropFirst("sent\n".count)
        #expect(reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                || (reply.hasPrefix("HTTP/1.1 503") && reply.contains("shutting_down")), "\(reply)")
    }

    @Test("NOTIFY counts per secondary: one that answers (sent, answered), one that never does (retried)")
    func notifyCounts() throws {
        let listener = try NotifyListener()
        // Bound and never read: it holds its port, so the unanswered NOTIFYs land nowhere else (a merely free
        // port is in the ephemeral range, where another test's dig may be waiting for its answer).
        let silentListener = try NotifyListener()
        let silent = silentListener.port
        let metricsPort = LoopbackPorts.take()
        let server = try ServerProcess(extraArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)",
                                                        "--notify", "127.0.0.1:\(listener.port)", "--notify", "127.0.0.1:\(silent)"])
        #expect(listener.first(for: "wistfare.net.") != nil, "\(server.log)")
        func sample(_ secondary: Int, _ event: String) throws -> Double {
            try Self.scrape(metricsPort)[#"wistdns_notify_messages_total{event="\#(event)",secondary="127.0.0.1:\#(secondary)"}"#] ?? -1
        }
        // The listener answers only while it reads: keep it answering (retries, NOTIFYs of other zones) until the
        // counter moves. Without it, one answer that arrives after its NOTIFY was replaced is the only one ever
        // sent (a CI run under load failed so).
        #expect(try secondsUntil(60) {
            _ = listener.first(for: "never.invalid.", timeout: 0.3)
            return try sample(listener.port, "answered") >= 1
        } != nil)
        #expect(try sample(listener.port, "sent") >= sample(listener.port, "answered"))
        #expect(try sample(listener.port, "given_up") == 0)
        #expect(try secondsUntil(15) { try sample(silent, "retried") >= 1 } != nil, "no answer: sent again after a second")
        #expect(try sample(silent, "sent") >= 1 && sample(silent, "answered") == 0)
        server.stop()
        withExtendedLifetime(silentListener) {}
    }

    @Test("the webhook gauge names a receiver by number and host, never its URL's token; a JSON log field named error is prefixed, not duplicated")
    func webhookLabelsAndLogFields() throws {
        let metricsPort = LoopbackPorts.take()
        // Nothing listens on 127.0.0.9: every delivery fails at once and is logged with an "error" field.
        let server = try ServerProcess(extraArguments: [
            "--metrics-listen", "127.0.0.1:\(metricsPort)", "--log-format", "json",
            "--webhook", "http://127.0.0.9:9/hooks/secret-token-123", "--webhook-secret", WebhookEndToEndTests.secret,
            "--webhook-private-addresses",
        ])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "hooked.example"}"#).status == 201)
        try server.waitFor("webhook delivery failed", timeout: 30)
        let text = try run("curl", ["-s", "http://127.0.0.1:\(metricsPort)/metrics"]).output
        #expect(text.contains(#"wistdns_webhooks_pending{receiver="1",host="127.0.0.9"}"#), "\(text)")
        #expect(!text.contains("secret-token-123"))
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("webhook delivery failed") })
        #expect(line.contains(#""field.error":"#) && line.components(separatedBy: #""error":"#).count == 1, "\(line)")
    }
}
