import DNSWire
import Foundation
import Testing

/// The serial in the SOA of a NOTIFY's answer section.
private func serial(of notify: Message?) -> UInt32? {
    if case .soa(let soa) = notify?.answers.first?.rdata { soa.serial } else { nil }
}

/// The serial in `dig +short SOA` output (`mname rname serial refresh ...`).
private func serial(ofSOA lines: [String]) -> UInt32? {
    lines.first.flatMap { $0.split(separator: " ").dropFirst(2).first }.flatMap { UInt32($0) }
}

/// A static zone whose SOA refresh is a day, so that a secondary only checks it sooner because of a NOTIFY.
private func notifyZone(serial: UInt32, address: String) -> String {
    """
    $TTL 300
    @    IN SOA ns1.notify.test. hostmaster.notify.test. \(serial) 86400 3600 1209600 300
    @    IN NS  ns1.notify.test.
    ns1  IN A   192.0.2.1
    www  IN A   \(address)
    @    IN TXT "serial \(serial)"

    """
}

@Suite("NOTIFY (RFC 1996) from the real server: at start, on API adds, on SIGHUP; NSD follows it", .serialized)
struct NotifyEndToEndTests {
    @Test("--notify: every zone is announced at start; an API add announces the domain and the new catalog")
    func startAndAdd() throws {
        let listener = try NotifyListener()
        let server = try ServerProcess(extraArguments: ["--notify", "127.0.0.1:\(listener.port)"])
        for zone in ["wistfare.net", "wistfare.email", "catalog.invalid"] {
            let notify = listener.first(for: zone + ".")
            #expect(notify?.header.opcode == .notify && notify?.header.isAuthoritative == true, "NOTIFY for \(zone)")
            #expect(notify?.questions.first?.type == .soa)
            let served = serial(ofSOA: try digShort(server, zone, "SOA"))
            #expect(serial(of: notify) != nil && serial(of: notify) == served)
        }

        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "notified.example"}"#)
        #expect(added.status == 201)
        let notify = listener.first(for: "notified.example.")
        let served = serial(ofSOA: try digShort(server, "notified.example", "SOA"))
        #expect(serial(of: notify) != nil && serial(of: notify) == served)

        // The catalog gets a new version listing the domain (RFC 9432), announced like any zone.
        let firstCatalog = try #require(serial(of: listener.first(for: "catalog.invalid.")))
        let catalog = listener.first(for: "catalog.invalid.") { serial(of: $0) != firstCatalog }
        #expect(catalog != nil, "a NOTIFY for the catalog's new version")
        #expect(serial(of: catalog) == serial(ofSOA: try digShort(server, "catalog.invalid", "SOA")))
    }

    @Test("notify and notifyKey in the config file work like the options; a bad address or key stops the start")
    func configFile() throws {
        let listener = try NotifyListener()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString).json")
        try #"{"notify": ["127.0.0.1:\#(listener.port)"], "tsigKeys": ["k1.example:hmac-sha256:c2VjcmV0"], "notifyKey": "k1.example"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let server = try ServerProcess(extraArguments: ["--config", config.path])
        let notify = listener.first(for: "wistfare.net.")
        #expect(notify?.additional.last?.type == .tsig && notify?.additional.last?.name.description == "k1.example.")
        server.stop()

        let badAddress = try run(ServerProcess.binary.path, ["serve", "--notify", "ns2.example.net:53"])
        #expect(badAddress.status != 0)
        #expect(badAddress.output.contains("--notify ns2.example.net:53"), "\(badAddress.output)")
        let badKey = try run(ServerProcess.binary.path, ["serve", "--notify", "127.0.0.1:53", "--notify-key", "nokey"])
        #expect(badKey.status != 0)
        #expect(badKey.output.contains("--notify-key nokey: not the name of a --tsig-key"), "\(badKey.output)")
    }

    @Test("an NSD secondary of a static zone picks up a SIGHUP change within seconds (its refresh is a day)")
    func nsdFollowsNotify() throws {
        let (server, nsd) = try startWithNSD()
        try #require(try nsd.waitFor(serial: 1, of: "notify.test", within: 20) != nil, "first transfer; NSD log: \(nsd.log)")

        try change(server, to: 2)
        #expect(try nsd.waitFor(serial: 2, of: "notify.test", within: 5) != nil,
                "NSD still has the old serial 5 s after SIGHUP; NSD log: \(nsd.log)")
        #expect(nsd.log.contains("notify for notify.test. from 127.0.0.1 serial 2"), "NSD log: \(nsd.log)")

        // The copy equals the primary: the same records by AXFR from both (SOA once, order aside).
        func transfer(_ address: String, _ port: Int) throws -> [String] {
            try run("dig", ["@\(address)", "-p", "\(port)", "+onesoa", "+nocomments", "+nostats", "+nocmd",
                            "+noquestion", "AXFR", "notify.test"]).output
                .split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
                .filter { !$0.isEmpty && !$0.hasPrefix(";") }.sorted()
        }
        let primary = try transfer("127.0.0.1", server.port)
        #expect(primary.count == 5 && primary.contains("www.notify.test. 300 IN A 192.0.2.20"), "\(primary)")
        #expect(try transfer(nsd.host, nsd.port) == primary)
    }

    @Test("--notify-key: NSD accepts the TSIG-signed NOTIFY and its signed answer verifies")
    func signedNotify() throws {
        let (server, nsd) = try startWithNSD(key: notifyKey, nsdSecret: notifyKey.secret)
        try #require(try nsd.waitFor(serial: 1, of: "notify.test", within: 20) != nil, "first transfer; NSD log: \(nsd.log)")
        try server.waitFor("NOTIFY answered", timeout: 10)

        try change(server, to: 2)
        #expect(try nsd.waitFor(serial: 2, of: "notify.test", within: 5) != nil, "NSD log: \(nsd.log)")
        try server.waitFor("serial=2 zone=notify.test. [Notify] NOTIFY answered", timeout: 5)
        #expect(!server.log.contains("answer to a signed NOTIFY ignored"), "\(server.log)")
    }

    @Test("a secondary with another secret for the NOTIFY key drops the NOTIFY: it is retried, never taken as answered")
    func wrongSecret() throws {
        let (server, nsd) = try startWithNSD(key: notifyKey, nsdSecret: "b3RoZXItc2VjcmV0LWZvci10ZXN0cw==")
        try #require(try nsd.waitFor(serial: 1, of: "notify.test", within: 20) != nil, "first transfer; NSD log: \(nsd.log)")
        try server.waitFor("attempt=3 id=", timeout: 10)
        #expect(nsd.log.contains("bad tsig signature for key notify-key. from 127.0.0.1"), "NSD log: \(nsd.log)")
        #expect(!server.log.contains("NOTIFY answered"), "\(server.log)")
    }

    /// The NOTIFY key of the signed tests, as `--tsig-key` takes it.
    private let notifyKey = (name: "notify-key.", secret: "bm90aWZ5LWtleS1zZWNyZXQtZm9yLXRlc3Rz")

    /// WistDNS serving notify.test (serial 1) with --notify to an NSD secondary of it on 127.0.0.6, both started;
    /// with `key`, WistDNS signs its NOTIFYs with it and NSD takes only NOTIFYs signed with `nsdSecret`.
    private func startWithNSD(key: (name: String, secret: String)? = nil,
                              nsdSecret: String? = nil) throws -> (ServerProcess, NSDNotifySecondary) {
        let zones = FileManager.default.temporaryDirectory.appendingPathComponent("notify-zones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: zones) }
        try notifyZone(serial: 1, address: "192.0.2.10")
            .write(to: zones.appendingPathComponent("notify.test.zone"), atomically: true, encoding: .utf8)
        let host = "127.0.0.6"
        let nsdPort = LoopbackPorts.take()
        var arguments = ["--allow-transfer", "127.0.0.1", "--notify", "\(host):\(nsdPort)", "--catalog-zone", "none",
                         "--log-level", "debug"]
        if let key {
            arguments += ["--tsig-key", "\(key.name):hmac-sha256:\(key.secret)", "--notify-key", key.name]
        }
        let server = try ServerProcess(zones: zones, extraArguments: arguments)
        let nsd = try NSDNotifySecondary(zone: "notify.test.", primaryPort: server.port, host: host, port: nsdPort,
                                         key: key.map { ($0.name, nsdSecret ?? $0.secret) })
        return (server, nsd)
    }

    /// Rewrites the server's notify.test zone file with `serial` (and www at 192.0.2.20) and sends SIGHUP.
    private func change(_ server: ServerProcess, to serial: UInt32) throws {
        try notifyZone(serial: serial, address: "192.0.2.20")
            .write(to: server.zonesDirectory.appendingPathComponent("notify.test.zone"), atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
    }
}
