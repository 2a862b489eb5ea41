import Foundation

/// A Knot DNS secondary (Debian `knot`) on one loopback address, every file it writes in a folder of its own:
/// it transfers the catalog zone from the primary with TSIG, accepts NOTIFY from it signed with the same key,
/// and interprets the catalog (RFC 9432), creating member zones from a template with the same primary and key.
final class KnotSecondary {
    let host: String
    let port: Int
    let folder: URL
    private let configPath: String
    private var process: SpawnedProcess
    /// How many times knotd was started, for its output file.
    private var starts = 1

    /// Starts knotd on `host`:`port`. `primaryPort` is the primary's DNS port on 127.0.0.1; `key` is
    /// `(name, base64 secret)` of an hmac-sha256 key.
    init(host: String, port: Int, primaryPort: Int, catalog: String, key: (name: String, secret: String)) throws {
        self.host = host
        self.port = port
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("knot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("zones"), withIntermediateDirectories: true)
        let config = """
            server:
                rundir: "\(folder.path)"
                listen: \(host)@\(port)
                background-workers: 1
            log:
              - target: "\(folder.appendingPathComponent("knot.log").path)"
                any: info
            database:
                storage: "\(folder.path)"
            key:
              - id: \(key.name)
                algorithm: hmac-sha256
                secret: \(key.secret)
            remote:
              - id: primary
                address: 127.0.0.1@\(primaryPort)
                key: \(key.name)
            acl:
              - id: notify_from_primary
                address: 127.0.0.1
                key: \(key.name)
                action: notify
            template:
              - id: default
                storage: "\(folder.appendingPathComponent("zones").path)"
              - id: member
                storage: "\(folder.appendingPathComponent("zones").path)"
                master: primary
                acl: notify_from_primary
                retry-max-interval: 2
            zone:
              - domain: \(catalog)
                master: primary
                acl: notify_from_primary
                catalog-role: interpret
                catalog-template: member

            """
        configPath = folder.appendingPathComponent("knot.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try SpawnedProcess("/usr/sbin/knotd", ["-c", configPath],
                                     output: folder.appendingPathComponent("knotd.out").path)
    }

    /// Stops knotd and keeps its folder (zones, journal, timers), for `restart()`.
    func halt() {
        process.stop()
    }

    /// Starts knotd again on the same configuration and storage.
    func restart() throws {
        starts += 1
        process = try SpawnedProcess("/usr/sbin/knotd", ["-c", configPath],
                                     output: folder.appendingPathComponent("knotd-\(starts).out").path)
    }

    var isRunning: Bool { process.isRunning }

    /// Knot's log so far.
    var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("knot.log"), encoding: .utf8)) ?? ""
            + ((try? String(contentsOf: folder.appendingPathComponent("knotd.out"), encoding: .utf8)) ?? "")
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Short answers of `name type` from a server (kdig, no recursion), sorted: RRsets compare as sets.
func ask(_ host: String, _ port: Int, _ name: String, _ type: String) throws -> [String] {
    try run("kdig", ["@\(host)", "-p", "\(port)", "+norec", "+time=1", "+retry=0", "+short", name, type])
        .output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") }.sorted()
}
