import Foundation
import Testing

/// Runs `scripts/api_storm.py` against the server's API and returns its JSON report.
func storm(_ server: ServerProcess, key: String, arguments: [String]) async throws -> [String: Any] {
    let script = scriptsFolder.appendingPathComponent("api_storm.py").path
    let output = try await runLong("python3", [script, "--server", "127.0.0.1:\(server.apiPort)", "--key", key] + arguments).output
    let line = try #require(output.split(separator: "\n").last.map(String.init))
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
}

/// What the API lists and DNS serves agree, and nothing dangles: every listed domain is served (its SOA and the
/// DKIM value the API shows, authoritatively), the catalog lists exactly the zone files and the listed domains,
/// no two listed names overlap, no name of `pool` that is not listed has a zone of its own (it is REFUSED, or
/// answered from a listed domain above it), and no key, mailbox, schedule or zone version is left without its
/// domain. Returns the listed domains by name.
@discardableResult
func checkConsistency(_ server: ServerProcess, key: String, pool: [String] = []) throws -> [String: [String: Any]] {
    var listed: [String: [String: Any]] = [:]
    var page = 1
    while true {
        let response = try curl(server, "GET", "/api/v1/domains?page=\(page)&pageSize=100", key: key)
        #expect(response.status == 200)
        for domain in response.json["data"] as? [[String: Any]] ?? [] {
            listed[domain["name"] as? String ?? ""] = domain
        }
        guard response.json["hasMore"] as? Bool == true else { break }
        page += 1
    }
    for (name, domain) in listed {
        #expect(domain["serving"] as? Bool == true, "\(name) is listed and served")
        let soa = try dig(server, name, "SOA")
        #expect(soa.contains("status: NOERROR") && soa.contains("flags: qr aa"), "\(name) is listed but not served: \(soa)")
        let records = domain["records"] as? [[String: Any]] ?? []
        let dkim = records.first { ($0["name"] as? String)?.contains("._domainkey.") == true }
        let served = try digShort(server, dkim?["name"] as? String ?? "", "TXT").first?
            .split(separator: "\" \"").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }.joined()
        #expect(served == dkim?["value"] as? String, "\(name) serves the DKIM value the API lists")
        for other in listed.keys where other != name {
            #expect(!name.hasSuffix("." + other), "\(name) lies below \(other): both listed")
        }
    }
    for name in pool where listed[name] == nil {
        let answer = try dig(server, "+noall", "+answer", "+comments", name, "SOA")
        let above = listed.keys.contains { name.hasSuffix("." + $0) }
        #expect(above ? answer.contains("status: NXDOMAIN") : answer.contains("status: REFUSED"),
                "\(name) is not listed but has a zone: \(answer)")
    }
    // The catalog follows 20 ms after a change.
    var members: Set<String> = []
    let expected = Set(listed.keys).union(["wistfare.net", "wistfare.email"])
    for _ in 0 ..< 40 {
        let transfer = try run("dig", ["@127.0.0.1", "-p", "\(server.port)", "+tcp", "+nocmd", "+nostats", "+nocomments",
                                       "catalog.invalid", "AXFR"]).output
        var found: Set<String> = []
        for line in transfer.split(separator: "\n") {
            let fields: [Substring] = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count == 5, fields[3] == "PTR" { found.insert(String(fields[4].dropLast())) }
        }
        members = found
        if members == expected { break }
        Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(members == expected, "the catalog lists the zone files and the listed domains")
    let orphans = try run("sqlite3", [server.databasePath, """
        SELECT 'key ' || domain_id FROM dkim_keys WHERE domain_id NOT IN (SELECT id FROM domains)
        UNION ALL SELECT 'mailbox ' || id FROM mailboxes WHERE domain_id NOT IN (SELECT id FROM domains)
        UNION ALL SELECT 'schedule ' || domain_id FROM verification_state WHERE domain_id NOT IN (SELECT id FROM domains)
        UNION ALL SELECT 'version ' || name FROM zone_versions WHERE name NOT IN (SELECT name FROM domains) AND name <> 'catalog.invalid'
        UNION ALL SELECT 'no key ' || name FROM domains WHERE id NOT IN (SELECT domain_id FROM dkim_keys);
        """]).output
    #expect(orphans.isEmpty, "nothing dangles: \(orphans)")
    return listed
}

/// The number of rows in `domains` (the burst's progress), read with the sqlite3 shell beside the server.
func domainRows(_ database: String) throws -> Int {
    Int(try run("sqlite3", [database, "SELECT count(*) FROM domains"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}

/// Issue 10: adds, deletes and verifies from many clients at once, and kill -9 in the middle of a burst, against
/// the real binary.
@Suite("Concurrent and interrupted changes leave no half state", .serialized)
struct ConcurrencyTests {
    static let pool = (0 ..< 6).flatMap { ["s\($0).storm.example", "m.s\($0).storm.example", "x.m.s\($0).storm.example"] }
        + ["storm.example"]

    @Test("16 clients add, delete and verify the same and overlapping names: what is listed is served, and nothing else")
    func sixteenClients() async throws {
        let server = try ServerProcess(extraArguments: ["--api-write-rate", "0", "--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let report = try await storm(server, key: key, arguments: ["--workers", "16", "--operations", "400",
                                                                   "--names", "overlapping", "--seed", "7"])
        let statuses = try #require(report["statuses"] as? [String: Int])
        print("16 clients, 400 operations: \(statuses)")
        #expect(statuses.keys.allSatisfy { !$0.hasPrefix("5") && $0 != "no answer" }, "\(statuses)")
        #expect((statuses["201"] ?? 0) >= 10 && (statuses["409"] ?? 0) >= 10 && (statuses["200"] ?? 0) >= 10, "\(statuses)")
        try checkConsistency(server, key: key, pool: Self.pool)
        #expect(server.process.isRunning)
    }

    @Test("kill -9 at random moments of bursts of 300 adds and deletes: every acknowledged change survives, no half state")
    func killDuringBursts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("wistdns.sqlite").path
        let arguments = ["--api-write-rate", "0", "--allow-transfer", "127.0.0.1", "--dkim-key-pool", "16"]
        var server = try ServerProcess(database: database, extraArguments: arguments)
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        var survivors: [String: String] = [:]  // id -> DKIM value, from earlier rounds
        // Each round kills the server once the burst has stored a given number of domains (so the moment falls
        // inside the burst however loaded the machine is), plus a random fraction of a second.
        for (round, stored) in [3, 15, Int.random(in: 1 ... 30)].enumerated() {
            let current = server
            let before = try domainRows(database)
            async let burst = storm(current, key: key, arguments: [
                "--workers", "32", "--operations", "300", "--names", "unique", "--seed", "\(round + 1)",
                "--add", "0.7", "--delete", "0.3", "--verify", "0",
            ])
            let deadline = Date().addingTimeInterval(60)
            while try domainRows(database) < before + stored, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let extra = Double.random(in: 0 ... 0.3)
            try await Task.sleep(for: .seconds(extra))
            current.signal(SIGKILL)
            current.process.waitUntilExit()
            let report = try await burst
            let adds = try #require(report["acked_adds"] as? [[String: Any]])
            let deleted = Set(try #require(report["acked_deletes"] as? [String]))
            let maybeDeleted = Set(try #require(report["unanswered_deletes"] as? [String]))
            print("round \(round + 1): killed \(extra) s after \(stored) domains were stored; \(adds.count) adds and \(deleted.count) deletes acknowledged; \(report["statuses"] ?? "")")
            #expect(!adds.isEmpty, "the burst was under way")

            server = try ServerProcess(database: database, extraArguments: arguments)
            let listed = try checkConsistency(server, key: key)
            let byID = Dictionary(uniqueKeysWithValues: listed.values.map { ($0["id"] as? String ?? "", $0) })
            for add in adds {
                let id = add["id"] as? String ?? ""
                if deleted.contains(id) {
                    #expect(byID[id] == nil, "round \(round + 1): \(id)'s delete was acknowledged, yet it is listed")
                } else if !maybeDeleted.contains(id) {
                    let domain = byID[id]
                    #expect(domain != nil, "round \(round + 1): \(add["name"] ?? "") was acknowledged with 201 and is lost")
                    let records = domain?["records"] as? [[String: Any]] ?? []
                    let dkim = records.first { ($0["name"] as? String)?.contains("._domainkey.") == true }?["value"] as? String
                    #expect(dkim == add["dkim"] as? String, "round \(round + 1): the DKIM value the 201 returned is served")
                    survivors[id] = dkim
                }
            }
            for id in survivors.keys where byID[id] == nil {
                Issue.record("round \(round + 1): an earlier round's domain \(id) is gone")
            }
            survivors = survivors.filter { byID[$0.key] != nil }
        }
    }
}
