import Foundation

/// An NSD secondary of one zone on loopback for the NOTIFY tests: it transfers the zone by AXFR from a WistDNS
/// primary on 127.0.0.1, takes NOTIFY from 127.0.0.1 (only when signed with `key`, if one is given) and lets
/// 127.0.0.1 transfer its copy. Everything it writes stays in its own temporary folder.
final class NSDNotifySecondary {
    let host: String
    let port: Int
    private let folder: URL
    private let process: SpawnedProcess

    /// Starts NSD on `host:port`; `key` is a TSIG key's name and base64 secret (hmac-sha256).
    init(zone: String, primaryPort: Int, host: String, port: Int, key: (name: String, secret: String)? = nil) throws {
        self.host = host
        self.port = port
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nsd-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("xfr"), withIntermediateDirectories: true)
        let keySection = key.map { "key:\n    name: \"\($0.name)\"\n    algorithm: hmac-sha256\n    secret: \"\($0.secret)\"\n\n" }
        try (nsdServerSections(folder: folder, host: host, port: port, verbosity: 2) + (keySection ?? "") + """
            zone:
                name: "\(zone)"
                zonefile: "\(zone)zone"
                request-xfr: AXFR 127.0.0.1@\(primaryPort) NOKEY
                allow-notify: 127.0.0.1 \(key?.name ?? "NOKEY")
                provide-xfr: 127.0.0.1 NOKEY

            """).write(to: folder.appendingPathComponent("nsd.conf"), atomically: true, encoding: .utf8)
        process = try SpawnedProcess("/usr/sbin/nsd", ["-d", "-c", folder.appendingPathComponent("nsd.conf").path],
                                     output: folder.appendingPathComponent("nsd.stderr").path)
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// NSD's log so far.
    var log: String { (try? String(contentsOf: folder.appendingPathComponent("nsd.log"), encoding: .utf8)) ?? "" }

    /// The serial NSD answers for `zone`'s SOA, nil when it answers none.
    func serial(of zone: String) throws -> UInt32? {
        let output = try run("dig", ["@\(host)", "-p", "\(port)", "+norec", "+time=1", "+tries=1", "+short", zone, "SOA"])
            .output
        return output.split(separator: "\n").first.flatMap { $0.split(separator: " ").dropFirst(2).first }
            .flatMap { UInt32($0) }
    }

    /// Seconds until NSD answers `serial` for `zone`, checked every 20 ms; nil when it does not within `seconds`
    /// (or NSD exits).
    func waitFor(serial wanted: UInt32, of zone: String, within seconds: Double) throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            guard process.isRunning else { return nil }
            if try serial(of: zone) == wanted { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }
}
