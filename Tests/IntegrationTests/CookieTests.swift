import Foundation
import Testing

/// DNS Cookies (RFC 7873, RFC 9018) against the real binary with real clients.
@Suite("DNS Cookies on the real server", .serialized)
struct CookieEndToEndTests {
    /// The COOKIE option dig printed (client and server cookie, hex), or nil.
    static func digCookie(_ output: String) -> String? {
        output.firstMatch(of: /; COOKIE: ([0-9a-f]+)/).map { String($0.1) }
    }

    @Test("dig +cookie learns a server cookie, sends it back and dig calls it good; kdig +cookie gets one too")
    func digAndKdig() throws {
        let server = try ServerProcess()
        let first = try dig(server, "+cookie", "wistfare.net", "SOA")
        let cookie = try #require(Self.digCookie(first), "\(first)")
        #expect(cookie.count == 48 && first.contains("(good)") && first.contains("status: NOERROR"))
        #expect(cookie.dropFirst(16).hasPrefix("01000000"), "version 1, reserved 0: \(cookie)")
        let second = try dig(server, "+cookie=\(cookie)", "wistfare.net", "SOA")
        #expect(second.contains("(good)") && second.contains("ANSWER: 1"))
        let tcp = try dig(server, "+tcp", "+cookie", "wistfare.net", "SOA")
        #expect(Self.digCookie(tcp) != nil)
        let knot = try run("kdig", ["@127.0.0.1", "-p", "\(server.port)", "+cookie", "+norec", "wistfare.net", "SOA"]).output
        #expect(knot.firstMatch(of: /COOKIE: [0-9A-F]{48}/) != nil, "\(knot)")
        // Without a cookie, nothing changes: no option in the answer, no BADCOOKIE.
        let plain = try dig(server, "+nocookie", "wistfare.net", "SOA")
        #expect(plain.contains("status: NOERROR") && Self.digCookie(plain) == nil)
        // A malformed cookie (4 octets) gets FORMERR, with OPT.
        let malformed = try dig(server, "+cookie=00112233", "wistfare.net", "SOA")
        #expect(malformed.contains("status: FORMERR") && malformed.contains("OPT PSEUDOSECTION"))
    }

    @Test("a flood that brings back a valid server cookie is not rate limited, even after a secret rotation")
    func validCookieSurvivesRotation() async throws {
        // Long enough that learning, waking and a 1 s flood fit in one period on a loaded machine (6 s did not, once).
        let rotation = 15.0
        let server = try ServerProcess(extraArguments: ["--cookie-rotation", "\(Int(rotation))"])
        let stream = "127.0.0.1:3000:4:wistfare.net:SOA"
        func period(_ time: Double = Date().timeIntervalSince1970) -> Int { Int(time / rotation) }
        // Learn a cookie in one period and flood with it in the next, where only the previous secret holds it.
        // A loaded machine may be late for the next period; then the attempt is made again.
        var checked = false
        for _ in 0 ..< 4 where !checked {
            let now = Date().timeIntervalSince1970
            if now - Double(period(now)) * rotation > 1 {
                try await Task.sleep(for: .seconds(Double(period(now) + 1) * rotation - now + 0.05))
            }
            let cookie = try #require(Self.digCookie(try dig(server, "+cookie", "wistfare.net", "SOA")))
            let learned = period()
            let wake = Double(learned + 1) * rotation - Date().timeIntervalSince1970 + 0.1
            if wake > 0 { try await Task.sleep(for: .seconds(wake)) }
            guard period() == learned + 1 else { continue }
            let withCookie = try #require(try await flood(server, seconds: 1, [stream], cookie: cookie)[stream])
            guard period() == learned + 1 else { continue }
            #expect(withCookie.sent > 1000 && withCookie.truncated == 0, "\(withCookie)")
            #expect(Double(withCookie.answers) >= Double(withCookie.sent) * 0.99, "\(withCookie)")
            checked = true
        }
        #expect(checked, "no attempt fitted in the period after the cookie was learned")
        // The same flood without the cookie is limited.
        let without = try #require(try await flood(server, seconds: 1, [stream])[stream])
        #expect(without.answers <= 200 * 2 && without.truncated > 0, "\(without)")
    }

    @Test("--cookies off: the option is ignored; a bad --cookie-secret is refused")
    func off() throws {
        let server = try ServerProcess(extraArguments: ["--cookies", "off"])
        let output = try dig(server, "+cookie", "wistfare.net", "SOA")
        #expect(output.contains("status: NOERROR") && Self.digCookie(output)?.count ?? 16 == 16)
        #expect(server.log.contains("DNS cookies off"))
        for bad in [["--cookie-secret", "00"], ["--cookie-secret", String(repeating: "g", count: 32)], ["--cookies", "maybe"]] {
            let result = try run(ServerProcess.binary.path, ["serve", "--dns-listen", "127.0.0.1:0"] + bad)
            #expect(result.status != 0 && result.output.contains(bad[0]), "\(bad): \(result.output)")
        }
    }
}

/// A real resolver as a cookie client: BIND's `named` (9.18 here; Debian 12's Unbound, 1.17, sends no cookies)
/// forwarding a zone to WistDNS learns our server cookie and sends it back, so its queries are never limited.
@Suite("DNS Cookies with BIND as the resolver", .serialized)
struct CookieResolverTests {
    /// Starts `named` on 127.0.0.1:`port`, forwarding wistfare.email to `server`, with or without cookies.
    static func startNamed(port: Int, forwardingTo server: ServerProcess, cookies: Bool, folder: URL) throws -> Process {
        let config = folder.appendingPathComponent("named-\(cookies).conf")
        try """
        options {
            directory "\(folder.path)";
            listen-on port \(port) { 127.0.0.1; };
            listen-on-v6 { none; };
            pid-file "\(folder.path)/named-\(cookies).pid";
            recursion yes;
            allow-query { 127.0.0.0/8; };
            dnssec-validation no;
            send-cookie \(cookies ? "yes" : "no");
        };
        controls { };
        zone "wistfare.email" { type forward; forward only; forwarders { 127.0.0.1 port \(server.port); }; };
        """.write(to: config, atomically: true, encoding: .utf8)
        let named = Process()
        named.executableURL = URL(fileURLWithPath: "/usr/sbin/named")
        named.arguments = ["-g", "-u", "root", "-c", config.path]
        named.standardOutput = FileHandle.nullDevice
        named.standardError = FileHandle.nullDevice
        try named.run()
        // Until it answers.
        for _ in 0 ..< 50 {
            if try run("dig", ["@127.0.0.1", "-p", "\(port)", "+tries=1", "+time=1", "+short", "wistfare.email", "SOA"])
                .output.contains("hostmaster") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return named
    }

    @Test("with cookies BIND's queries pass a rate of 1 a second untouched; without, they are limited")
    func bindLearnsTheCookie() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("named-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(extraArguments: ["--rrl-rate", "1", "--rrl-slip", "0"])
        let port = LoopbackPorts.take(2)  // two named instances: port and port + 1
        let named = try Self.startNamed(port: port, forwardingTo: server, cookies: true, folder: folder)
        // Names under the wildcard: every one a cache miss for named, one rate-limiting class for us.
        var answered: [Int] = []
        for index in 0 ..< 20 {
            let output = try await runLong("dig", ["@127.0.0.1", "-p", "\(port)", "+tries=1", "+time=3", "+short",
                                                   "c\(index).wistfare.email", "TXT"]).output
            if output.contains("wildcard") { answered.append(index) }
        }
        named.terminate()
        named.waitUntilExit()
        #expect(answered.count == 20)
        #expect(!server.log.contains("rate limiting 127.0.0.0/24"), "\(server.log)")
        // The control: the same without cookies is limited (and named gets its answers only through retries).
        let plain = try Self.startNamed(port: port + 1, forwardingTo: server, cookies: false, folder: folder)
        for index in 0 ..< 4 {
            _ = try await runLong("dig", ["@127.0.0.1", "-p", "\(port + 1)", "+tries=1", "+time=3", "+short",
                                          "p\(index).wistfare.email", "TXT"])
        }
        plain.terminate()
        plain.waitUntilExit()
        #expect(server.log.contains("rate limiting 127.0.0.0/24"), "\(server.log)")
    }
}
