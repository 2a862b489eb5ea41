import Foundation
import Testing

/// Issue 10: a hand-written corpus of bad requests against the real binary. Each gets a 4xx (a JSON error with a
/// stable code when it reaches the API), never a 5xx or a hang, and after each the database and the served zones
/// are exactly what they were.
@Suite("Bad requests get a 4xx and change nothing", .serialized)
struct BadRequestCorpusTests {
    /// One raw HTTP/1.1 exchange: what is sent, and what must come back.
    struct Case: CustomStringConvertible {
        let name: String
        let request: String
        /// The status expected; nil when any 4xx (or a closed connection without an answer) will do.
        let status: Int?
        /// The JSON error code expected, if the request reaches the API.
        let code: String?

        var description: String { name }
    }

    /// Placeholders in the corpus: {KEY} a key with every scope, {MAILBOXES} one with mailboxes:manage only,
    /// {REVOKED} a revoked key, {ID} an existing domain's id.
    static func post(_ body: String, path: String = "/api/v1/domains", key: String = "{KEY}",
                     contentType: String = "application/json") -> String {
        "POST \(path) HTTP/1.1\r\nHost: api\r\nX-API-Key: \(key)\r\nContent-Type: \(contentType)\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }

    static func request(_ method: String, _ path: String, key: String? = "{KEY}") -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: api\r\n" + (key.map { "X-API-Key: \($0)\r\n" } ?? "")
            + "Content-Length: 0\r\nConnection: close\r\n\r\n"
    }

    static func name(_ value: String) -> String { #"{"name": "\#(value)"}"# }

    static let label63 = String(repeating: "a", count: 63)

    static let corpus: [Case] = [
        // Bad JSON and wrong shapes.
        Case(name: "not JSON", request: post("{not json"), status: 400, code: "invalid_request"),
        Case(name: "empty body", request: post(""), status: 400, code: "invalid_request"),
        Case(name: "a JSON array", request: post(#"["a.example"]"#), status: 400, code: "invalid_request"),
        Case(name: "a JSON string", request: post(#""a.example""#), status: 400, code: "invalid_request"),
        Case(name: "name is a number", request: post(#"{"name": 5}"#), status: 400, code: "invalid_request"),
        Case(name: "name is null", request: post(#"{"name": null}"#), status: 400, code: "invalid_request"),
        Case(name: "name is an array", request: post(#"{"name": ["a.example"]}"#), status: 400, code: "invalid_request"),
        Case(name: "name is an object", request: post(#"{"name": {"a": 1}}"#), status: 400, code: "invalid_request"),
        Case(name: "no name", request: post(#"{"nam": "a.example"}"#), status: 400, code: "invalid_request"),
        Case(name: "truncated JSON", request: post(#"{"name": "a.exam"#), status: 400, code: "invalid_request"),
        // The two octets \u{01}\u{02} are sent as FF FE (see `send`).
        Case(name: "invalid UTF-8", request: post("{\"name\": \"a\u{01}\u{02}.example\"}"), status: nil, code: nil),
        Case(name: "a lone surrogate", request: post(#"{"name": "a\udc80.example"}"#), status: nil, code: nil),
        Case(name: "deeply nested arrays", request: post(String(repeating: "[", count: 6000) + String(repeating: "]", count: 6000)),
             status: 400, code: "invalid_request"),
        Case(name: "deeply nested objects", request: post(String(repeating: #"{"a":"#, count: 2000) + "1" + String(repeating: "}", count: 2000)),
             status: 400, code: "invalid_request"),
        Case(name: "a body of 1 MB", request: post(#"{"name": ""# + String(repeating: "a", count: 1_000_000) + #""}"#),
             status: 413, code: "payload_too_large"),
        Case(name: "a malformed chunk size",
             request: "POST /api/v1/domains HTTP/1.1\r\nHost: api\r\nX-API-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
             status: 400, code: nil),
        Case(name: "a header of 9 KB", request: "GET /api/v1/domains HTTP/1.1\r\nHost: api\r\nX-API-Key: {KEY}\r\nX-Pad: "
                 + String(repeating: "p", count: 9000) + "\r\nConnection: close\r\n\r\n", status: 400, code: nil),
        Case(name: "not HTTP", request: "HELLO WORLD\r\n\r\n", status: 400, code: nil),
        // Names that are not valid, or not allowed.
        Case(name: "a control character", request: post(name("a\\u0001b.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "a newline", request: post(name("a.example\\nb.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "NUL", request: post(name("a\\u0000.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "254 characters", request: post(name([label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: "."))),
             status: 422, code: "invalid_domain_name"),
        Case(name: "240 characters (its DKIM owner would not fit)",
             request: post(name([label63, label63, label63, String(repeating: "b", count: 48)].joined(separator: "."))),
             status: 422, code: "invalid_domain_name"),
        Case(name: "a 64-octet label", request: post(name(String(repeating: "a", count: 64) + ".example")),
             status: 422, code: "invalid_domain_name"),
        Case(name: "one label", request: post(name("localhost")), status: 422, code: "invalid_domain_name"),
        Case(name: "a bidi override", request: post(name("pay\\u202Elap.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "a zero-width joiner", request: post(name("pay\\u200Dpal.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "an emoji", request: post(name("\\ud83d\\ude00.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "an invalid A-label", request: post(name("xn--zz.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "a wildcard", request: post(name("*.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "an underscore", request: post(name("a_b.example")), status: 422, code: "invalid_domain_name"),
        Case(name: "an IPv4 address", request: post(name("192.0.2.1")), status: 422, code: "invalid_domain_name"),
        Case(name: "a provider zone", request: post(name("wistfare.net")), status: 422, code: "reserved_domain"),
        Case(name: "a public suffix", request: post(name("co.uk")), status: 422, code: "public_suffix"),
        Case(name: "below a zone file", request: post(name("x.wistfare.email")), status: 409, code: "domain_conflict"),
        Case(name: "a zone file", request: post(name("wistfare.email")), status: 409, code: "domain_conflict"),
        Case(name: "the catalog zone", request: post(name("catalog.invalid")), status: 409, code: "domain_conflict"),
        Case(name: "a domain added before", request: post(name("corpus.example")), status: 409, code: "domain_exists"),
        Case(name: "below a domain", request: post(name("mail.corpus.example")), status: 409, code: "domain_conflict"),
        Case(name: "above a domain", request: post(name("shop.example")), status: 409, code: "domain_conflict"),
        // Keys and scopes.
        Case(name: "no key", request: request("POST", "/api/v1/domains", key: nil), status: 401, code: "missing_api_key"),
        Case(name: "an empty key", request: request("DELETE", "/api/v1/domains/{ID}", key: ""), status: 401, code: "missing_api_key"),
        Case(name: "an unknown key", request: post(name("new.example"), key: "wm_00000000000000000000000000000000"),
             status: 401, code: "invalid_api_key"),
        Case(name: "a revoked key", request: request("DELETE", "/api/v1/domains/{ID}", key: "{REVOKED}"),
             status: 401, code: "invalid_api_key"),
        Case(name: "a key without domains:manage adds", request: post(name("new.example"), key: "{MAILBOXES}"),
             status: 403, code: "insufficient_scope"),
        Case(name: "a key without domains:manage deletes", request: request("DELETE", "/api/v1/domains/{ID}", key: "{MAILBOXES}"),
             status: 403, code: "insufficient_scope"),
        Case(name: "a key without domains:manage verifies", request: request("POST", "/api/v1/domains/{ID}/verify", key: "{MAILBOXES}"),
             status: 403, code: "insufficient_scope"),
        // Ids and paths.
        Case(name: "an unknown id", request: request("DELETE", "/api/v1/domains/dom_doesnotexist"), status: 404, code: "not_found"),
        Case(name: "dot segments", request: request("DELETE", "/api/v1/domains/../domains/{ID}"), status: nil, code: nil),
        Case(name: "encoded dot segments", request: request("DELETE", "/api/v1/domains/x/..%2f{ID}"), status: 404, code: "not_found"),
        Case(name: "an encoded slash", request: request("DELETE", "/api/v1/domains/{ID}%2fverify"), status: 404, code: "not_found"),
        Case(name: "an encoded NUL", request: request("DELETE", "/api/v1/domains/{ID}%00"), status: 404, code: "not_found"),
        Case(name: "a 4,000-character id", request: request("GET", "/api/v1/domains/dom_" + String(repeating: "x", count: 4000)),
             status: 404, code: "not_found"),
        Case(name: "SQL in the id", request: request("DELETE", "/api/v1/domains/dom_x'%20OR%20'1'='1"), status: 404, code: "not_found"),
        Case(name: "a mailbox for an unknown domain", request: post(#"{"localPart": "a"}"#, path: "/api/v1/domains/dom_none/mailboxes"),
             status: 404, code: "not_found"),
        Case(name: "a bad local part", request: post(#"{"localPart": "a b"}"#, path: "/api/v1/domains/{ID}/mailboxes"),
             status: 422, code: "invalid_local_part"),
        Case(name: "verify an unknown id", request: request("POST", "/api/v1/domains/dom_none/verify"), status: 404, code: "not_found"),
        Case(name: "page 0", request: request("GET", "/api/v1/domains?page=0"), status: 400, code: "invalid_request"),
        Case(name: "a page past Int", request: request("GET", "/api/v1/domains?page=99999999999999999999999"), status: 400, code: "invalid_request"),
        Case(name: "pageSize text", request: request("GET", "/api/v1/domains?pageSize=abc"), status: 400, code: "invalid_request"),
        // Methods.
        Case(name: "PUT on the collection", request: request("PUT", "/api/v1/domains"), status: 405, code: "method_not_allowed"),
        Case(name: "DELETE on the collection", request: request("DELETE", "/api/v1/domains"), status: 405, code: "method_not_allowed"),
        Case(name: "PATCH a domain", request: request("PATCH", "/api/v1/domains/{ID}"), status: 405, code: "method_not_allowed"),
        Case(name: "POST a domain", request: request("POST", "/api/v1/domains/{ID}"), status: 405, code: "method_not_allowed"),
        Case(name: "GET verify", request: request("GET", "/api/v1/domains/{ID}/verify"), status: 405, code: "method_not_allowed"),
        Case(name: "an unknown route", request: request("GET", "/api/v2/domains"), status: 404, code: "not_found"),
    ]

    /// Sends `request` as raw bytes (the octets 01 02 become FF FE, which a Swift string cannot hold) with
    /// `scripts/http_raw.py` and returns the status line's code (0 when the server closed without an answer) and
    /// the body.
    func send(_ request: String, port: Int) throws -> (status: Int, body: String) {
        var bytes = Array(request.utf8)
        for index in bytes.indices.dropLast() where bytes[index] == 1 && bytes[index + 1] == 2 {
            (bytes[index], bytes[index + 1]) = (0xFF, 0xFE)
        }
        let script = scriptsFolder.appendingPathComponent("http_raw.py").path
        let output = try run("python3", [script, String(port), "15"], input: Data(bytes)).output
        let status = output.hasPrefix("HTTP/1.1 ") ? Int(output.dropFirst(9).prefix(3)) ?? 0 : 0
        let body = output.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body)
    }

    /// Everything the database holds that a request could change (API keys without their last-use time, which a
    /// read updates once a minute).
    func databaseState(_ path: String) throws -> String {
        try run("sqlite3", [path, """
            SELECT * FROM domains ORDER BY id; SELECT domain_id, selector, algorithm, public_key FROM dkim_keys ORDER BY 1, 2;
            SELECT * FROM mailboxes ORDER BY id; SELECT * FROM zone_serials ORDER BY name;
            SELECT name, serial, record_count, hex(records) FROM zone_versions ORDER BY name; SELECT * FROM zone_journal ORDER BY seq;
            SELECT id, name, prefix, key_hash, scopes, created_at, revoked_at FROM api_keys ORDER BY id;
            SELECT * FROM verification_state ORDER BY domain_id;
            """]).output
    }

    /// What DNS serves: the catalog (every zone and its serial) and the API's zones, transferred whole.
    func servedState(_ server: ServerProcess, zones: [String]) throws -> String {
        try run("dig", ["@127.0.0.1", "-p", "\(server.port)", "+tcp", "+nocmd", "+nostats", "+nocomments", "+time=2"]
            + (["catalog.invalid"] + zones).flatMap { [$0, "AXFR"] }).output
    }

    @Test("the corpus: over 40 bad requests, each a 4xx with its code, none changes the database or the zones")
    func corpus() throws {
        #expect(Self.corpus.count >= 40)
        let server = try ServerProcess(extraArguments: ["--allow-transfer", "127.0.0.1"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let mailboxes = try #require(try run(ServerProcess.binary.path, ["keys", "create", "--db", server.databasePath,
                                                                         "--name", "mbx", "--scope", "mailboxes:manage"])
            .output.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let revokedOutput = try run(ServerProcess.binary.path, ["keys", "create", "--db", server.databasePath,
                                                                "--name", "old", "--scope", "domains:manage"]).output
        let revoked = try #require(revokedOutput.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let revokedID = try #require(revokedOutput.firstMatch(of: /key_[0-9A-Za-z]+/).map { String($0.0) })
        #expect(try run(ServerProcess.binary.path, ["keys", "revoke", "--db", server.databasePath, revokedID]).status == 0)

        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "corpus.example"}"#)
        let id = try #require(added.json["id"] as? String)
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "x.shop.example"}"#).status == 201)
        let zones = ["corpus.example", "x.shop.example"]
        Thread.sleep(forTimeInterval: 0.3)  // the catalog's rebuild after the adds
        let database = try databaseState(server.databasePath)
        let served = try servedState(server, zones: zones)
        #expect(served.contains("corpus.example.") && served.contains("SOA"))

        for entry in Self.corpus {
            let request = entry.request.replacingOccurrences(of: "{KEY}", with: key)
                .replacingOccurrences(of: "{MAILBOXES}", with: mailboxes).replacingOccurrences(of: "{REVOKED}", with: revoked)
                .replacingOccurrences(of: "{ID}", with: id)
            let started = Date()
            let (status, body) = try send(request, port: server.apiPort)
            #expect(Date().timeIntervalSince(started) < 12, "\(entry): no hang")
            if let expected = entry.status {
                #expect(status == expected, "\(entry): \(status) \(body.prefix(300))")
            } else {
                #expect(status == 0 || (400 ..< 500).contains(status), "\(entry): \(status) \(body.prefix(300))")
            }
            if let code = entry.code {
                #expect(body.contains(#""code":"\#(code)""#), "\(entry): \(body.prefix(300))")
            }
            #expect(try databaseState(server.databasePath) == database, "\(entry) changed the database")
            #expect(try servedState(server, zones: zones) == served, "\(entry) changed the served zones")
        }
        #expect(server.process.isRunning)
        #expect(!server.log.contains("request failed"), "no request reached the 500 path: \(server.log)")
    }
}
