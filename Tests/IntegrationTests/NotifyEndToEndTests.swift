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

    @Test("notify in the config file is used like --notify; a bad address stops the start with its reason")
    func configFile() throws {
        let listener = try NotifyListener()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString).json")
        try #"{"notify": ["127.0.0.1:\#(listener.port)"]}"#.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let server = try ServerProcess(extraArguments: ["--config", config.path])
        #expect(listener.first(for: "wistfare.net.") != nil)
        server.stop()

        let bad = try run(ServerProcess.binary.path, ["serve", "--notify", "ns2.example.net:53"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("--notify ns2.example.net:53"), "\(bad.output)")
    }

    @Test("an NSD secondary of a static zone picks up a SIGHUP change within seconds (its refresh is a day)")
    func nsdFollowsNotify() throws {
        let zones = FileManager.default.temporaryDirectory.appendingPathComponent("notify-zones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: zones) }
        try notifyZone(serial: 1, address: "192.0.2.10")
            .write(to: zones.appendingPathComponent("notify.test.zone"), atomically: true, encoding: .utf8)

        let host = "127.0.0.6"
        let nsdPort = Int.random(in: 20000 ..< 60000)
        let server = try ServerProcess(zones: zones, extraArguments: ["--allow-transfer", "127.0.0.1",
                                                                      "--notify", "\(host):\(nsdPort)"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nsd-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("xfr"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try (nsdServerSections(folder: folder, host: host, port: nsdPort, verbosity: 2) + """
            zone:
                name: "notify.test."
                zonefile: "notify.test.zone"
                request-xfr: AXFR 127.0.0.1@\(server.port) NOKEY
                allow-notify: 127.0.0.1 NOKEY
                provide-xfr: 127.0.0.1 NOKEY

            """).write(toFile: path("nsd.conf"), atomically: true, encoding: .utf8)
        let nsd = try SpawnedProcess("/usr/sbin/nsd", ["-d", "-c", path("nsd.conf")], output: path("nsd.stderr"))
        defer { nsd.stop() }
        func secondarySerial() throws -> UInt32? {
            serial(ofSOA: try run("dig", ["@\(host)", "-p", "\(nsdPort)", "+norec", "+time=1", "+tries=1", "+short",
                                          "notify.test", "SOA"]).output.split(separator: "\n").map(String.init))
        }
        func waitForSerial(_ wanted: UInt32, within seconds: Double) throws -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                guard nsd.isRunning else { return nil }
                if try secondarySerial() == wanted { return Date().timeIntervalSince(start) }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return nil
        }
        let log = { (try? String(contentsOfFile: path("nsd.log"), encoding: .utf8)) ?? "" }
        try #require(try waitForSerial(1, within: 20) != nil, "first transfer; NSD log: \(log())")

        try notifyZone(serial: 2, address: "192.0.2.20")
            .write(to: server.zonesDirectory.appendingPathComponent("notify.test.zone"), atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        let elapsed = try waitForSerial(2, within: 5)
        #expect(elapsed != nil, "NSD still has the old serial 5 s after SIGHUP; NSD log: \(log())")
        #expect(log().contains("notify for notify.test. from 127.0.0.1 serial 2"), "NSD log: \(log())")

        // The copy equals the primary: the same records by AXFR from both (SOA once, order aside).
        func transfer(_ address: String, _ port: Int) throws -> [String] {
            try run("dig", ["@\(address)", "-p", "\(port)", "+onesoa", "+nocomments", "+nostats", "+nocmd",
                            "+noquestion", "AXFR", "notify.test"]).output
                .split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
                .filter { !$0.isEmpty && !$0.hasPrefix(";") }.sorted()
        }
        let primary = try transfer("127.0.0.1", server.port)
        #expect(primary.count == 5 && primary.contains("www.notify.test. 300 IN A 192.0.2.20"), "\(primary)")
        #expect(try transfer(host, nsdPort) == primary)
    }
}
