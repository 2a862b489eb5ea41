import Foundation
import Testing

/// A small fake DNS hierarchy on loopback, with real peers, for tests that must see WistDNS the way the rest of
/// the DNS sees it. Nothing in it can send a packet off this machine:
///
/// - **NSD** (the "parent" servers) on `parentHost:parentPort` (default 127.0.0.3:53) serves three zones:
///   - `.`: NS `ns.test.` (glue `parentHost`), delegating `test.` and `net.` to `ns.test.`;
///   - `test.`: delegates `delegated.test.` to `ns1.wistfare.net.` and `ns2.wistfare.net.` (out of bailiwick, so
///     no glue) and has no delegation at all for `undelegated.test.`;
///   - `net.`: delegates `wistfare.net.` to `ns1/ns2.wistfare.net.` with glue `wistdnsHost`.
/// - **WistDNS** on `wistdnsHost:53` (default 127.0.0.2), started by the test with `startWistDNS()`, serves
///   `zonesDirectory`: a `wistfare.net.` zone written here whose every address is `wistdnsHost` (and the zones
///   the domains API adds). Referrals carry no port, so WistDNS must be on port 53 for the delegations to work.
/// - **Unbound** (the "public resolver") on `resolverHost:resolverPort` (default 127.0.0.4:53): iterator only (no
///   DNSSEC), every name stubbed to NSD (`stub-zone` for `.`, `test.` and `net.`), no IPv6, outgoing queries
///   only from 127.0.0.1, 5 s cache. `contactedServers()` lists every server it has talked to (its infra cache).
///
/// Ports below 1024 need root. `stop()` (or deinit) stops NSD and Unbound and removes the temporary folder.
final class LoopbackDNSWorld: @unchecked Sendable {
    // @unchecked: the processes are only touched from the test that owns this object.
    let parentHost: String
    let parentPort: Int
    let wistdnsHost: String
    let wistdnsPort: Int
    let resolverHost: String
    let resolverPort: Int
    /// The temporary folder holding every configuration, zone, pid and log file of this world.
    let folder: URL
    /// The zones folder to start WistDNS with (`wistfare.net.` pointing at `wistdnsHost`).
    let zonesDirectory: URL
    private var nsd: SpawnedProcess?
    private var unbound: SpawnedProcess?

    /// `HOST:PORT` of the Unbound resolver, for `--resolver` and for dig.
    var resolverAddress: String { "\(resolverHost):\(resolverPort)" }
    /// `HOST:PORT` for WistDNS's `--dns-listen`.
    var wistdnsListen: String { "\(wistdnsHost):\(wistdnsPort)" }
    var unboundLog: String { (try? String(contentsOf: folder.appendingPathComponent("unbound.log"), encoding: .utf8)) ?? "" }
    var nsdLog: String { (try? String(contentsOf: folder.appendingPathComponent("nsd.log"), encoding: .utf8)) ?? "" }

    /// Writes the zones and configurations and starts NSD and Unbound, each answering before this returns.
    init(parentHost: String = "127.0.0.3", parentPort: Int = 53, wistdnsHost: String = "127.0.0.2",
         wistdnsPort: Int = 53, resolverHost: String = "127.0.0.4", resolverPort: Int = 53) throws {
        for host in [parentHost, wistdnsHost, resolverHost] where !host.hasPrefix("127.") {
            throw ServerError.message("LoopbackDNSWorld: \(host) is not a loopback address")
        }
        self.parentHost = parentHost
        self.parentPort = parentPort
        self.wistdnsHost = wistdnsHost
        self.wistdnsPort = wistdnsPort
        self.resolverHost = resolverHost
        self.resolverPort = resolverPort
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dnsworld-\(UUID().uuidString)")
        zonesDirectory = folder.appendingPathComponent("wistdns-zones")
        try FileManager.default.createDirectory(at: zonesDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("xfr"), withIntermediateDirectories: true)
        do {
            try writeFiles()
            nsd = try launch("/usr/sbin/nsd", ["-d", "-c", path("nsd.conf")], output: "nsd.stderr")
            try waitUntilAnswering({ [nsd] in nsd?.isRunning ?? false }, "nsd", host: parentHost, port: parentPort, name: ".")
            unbound = try launch("/usr/sbin/unbound", ["-d", "-c", path("unbound.conf")], output: "unbound.stderr")
            try waitUntilAnswering({ [unbound] in unbound?.isRunning ?? false }, "unbound", host: resolverHost, port: resolverPort, name: "test.", recursion: true)
        } catch {
            stop()
            throw error
        }
    }

    /// Starts `wistdns serve` on `wistdnsListen` with this world's zones (and the API on a random 127.0.0.1 port).
    func startWistDNS(database: String? = nil, extraArguments: [String] = []) throws -> ServerProcess {
        let server = try ServerProcess(zones: zonesDirectory, database: database, dnsListen: [wistdnsListen],
                                       extraArguments: extraArguments)
        try waitUntilAnswering({ server.process.isRunning }, "wistdns", host: wistdnsHost, port: wistdnsPort, name: "wistfare.net.")
        return server
    }

    /// `dig` with short timeouts against `HOST:PORT`; returns the full output.
    func dig(_ address: String, _ arguments: [String]) throws -> String {
        let parts = address.split(separator: ":")
        return try run("dig", ["@\(parts[0])", "-p", String(parts.count > 1 ? parts[1] : "53"), "+time=2", "+tries=2"]
            + arguments).output
    }

    /// `dig +short` through Unbound, recursion desired.
    func resolve(_ name: String, _ type: String) throws -> [String] {
        try dig(resolverAddress, ["+short", name, type]).split(separator: "\n").map(String.init)
    }

    /// Every server address Unbound has sent a query to (from `unbound-control dump_infra`).
    func contactedServers() throws -> [String] {
        let result = try run("unbound-control", ["-c", path("unbound.conf"), "dump_infra"])
        guard result.status == 0 else { throw ServerError.message("unbound-control: \(result.output)") }
        return result.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Stops Unbound and NSD (waiting for them to exit, so the ports are free) and removes the folder.
    func stop() {
        for process in [unbound, nsd].compactMap({ $0 }) { process.stop() }
        unbound = nil
        nsd = nil
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    // MARK: - Files

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func write(_ text: String, _ name: String, in directory: URL? = nil) throws {
        try text.write(to: (directory ?? folder).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func writeFiles() throws {
        let soa = "SOA ns.test. hostmaster.test. 1 3600 600 86400 1"
        try write("""
            $TTL 5
            .                 IN \(soa)
            .                 IN NS ns.test.
            test.             IN NS ns.test.
            net.              IN NS ns.test.
            ns.test.          IN A  \(parentHost)

            """, "root.zone")
        try write("""
            $ORIGIN test.
            $TTL 5
            @                 IN \(soa)
            @                 IN NS ns
            ns                IN A  \(parentHost)
            ; delegated to WistDNS's nameservers, out of bailiwick: no glue
            delegated         IN NS ns1.wistfare.net.
            delegated         IN NS ns2.wistfare.net.
            ; no delegation for undelegated.test.

            """, "test.zone")
        try write("""
            $ORIGIN net.
            $TTL 5
            @                 IN \(soa)
            @                 IN NS ns.test.
            wistfare          IN NS ns1.wistfare
            wistfare          IN NS ns2.wistfare
            ns1.wistfare      IN A  \(wistdnsHost)
            ns2.wistfare      IN A  \(wistdnsHost)

            """, "net.zone")
        // The provider's zone as WistDNS serves it here: every address on loopback, no child delegations.
        try write("""
            $ORIGIN wistfare.net.
            $TTL 5
            @       IN SOA  ns1.wistfare.net. hostmaster.wistfare.net. 2026112901 7200 1800 1209600 1
                    IN NS   ns1
                    IN NS   ns2
                    IN MX   10 mail
                    IN TXT  "v=spf1 mx ip4:\(wistdnsHost) ~all"
            ns1     IN A    \(wistdnsHost)
            ns2     IN A    \(wistdnsHost)
            mail    IN A    \(wistdnsHost)
            _dmarc  IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@wistfare.net"

            """, "wistfare.net.zone", in: zonesDirectory)

        try write(nsdServerSections(folder: folder, host: parentHost, port: parentPort) + """
            zone:
                name: "."
                zonefile: "root.zone"
            zone:
                name: "test."
                zonefile: "test.zone"
            zone:
                name: "net."
                zonefile: "net.zone"

            """, "nsd.conf")

        // Every name is below a stub-zone pointing at NSD, so Unbound never uses its built-in root hints;
        // outgoing-interface 127.0.0.1 makes a packet to any other network impossible in any case.
        let stub = "\(parentHost)@\(parentPort)"
        try write("""
            server:
                verbosity: 1
                interface: \(resolverHost)@\(resolverPort)
                port: \(resolverPort)
                do-ip4: yes
                do-ip6: no
                do-udp: yes
                do-tcp: yes
                outgoing-interface: 127.0.0.1
                access-control: 127.0.0.0/8 allow
                do-not-query-localhost: no
                harden-referral-path: no
                module-config: "iterator"
                cache-max-ttl: 5
                cache-max-negative-ttl: 1
                infra-host-ttl: 5
                num-threads: 1
                outgoing-range: 64
                num-queries-per-thread: 32
                so-reuseport: no
                username: ""
                chroot: ""
                directory: "\(folder.path)"
                pidfile: "\(path("unbound.pid"))"
                use-syslog: no
                logfile: "\(path("unbound.log"))"
                do-daemonize: no
                # test. is one of Unbound's default local zones (RFC 6761): resolve it instead.
                local-zone: "test." nodefault

            remote-control:
                control-enable: yes
                control-interface: "\(path("unbound.ctl"))"
                control-use-cert: no

            stub-zone:
                name: "."
                stub-addr: \(stub)
            stub-zone:
                name: "test."
                stub-addr: \(stub)
            stub-zone:
                name: "net."
                stub-addr: \(stub)

            """, "unbound.conf")
    }

    // MARK: - Processes

    private func launch(_ executable: String, _ arguments: [String], output: String) throws -> SpawnedProcess {
        try SpawnedProcess(executable, arguments, output: path(output))
    }

    /// Waits until the server answers `name SOA` with NOERROR; fails at once if the process exits (e.g. the
    /// address is taken), and checks afterwards that the answer came from our process, not another one.
    private func waitUntilAnswering(_ isRunning: () -> Bool, _ label: String, host: String, port: Int, name: String,
                                    recursion: Bool = false, timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            guard isRunning() else {
                let stderr = (try? String(contentsOfFile: path("\(label).stderr"), encoding: .utf8)) ?? ""
                throw ServerError.message("\(label) exited "
                    + "(is \(host):\(port) already taken?): \(stderr) \(label == "nsd" ? nsdLog : unboundLog)")
            }
            last = try run("dig", ["@\(host)", "-p", "\(port)", recursion ? "+rec" : "+norec", "+time=1", "+tries=1",
                                   name, "SOA"]).output
            if last.contains("status: NOERROR") {
                Thread.sleep(forTimeInterval: 0.05)
                if isRunning() { return }
                continue
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ServerError.message("\(label) did not answer on \(host):\(port) within \(timeout) s: \(last)")
    }
}

/// A child process started with `posix_spawn` and an EMPTY signal mask. Foundation's `Process` passes on the
/// test thread's mask, in which SIGTERM is blocked: NSD then never sees the SIGTERM that should stop it.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    private var exited = false

    init(_ executable: String, _ arguments: [String], output: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Not the test process's own descriptors (it holds loopback sockets that would leak into the server).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for descriptor in open where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw ServerError.message("posix_spawn \(executable): \(String(cString: strerror(status)))") }
        pid = child
    }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }

    deinit { stop() }
}

/// The suites that bind port 53 of 127.0.0.2-4: nested here so that they never run at the same time.
@Suite(.serialized) enum Port53Suites {}
