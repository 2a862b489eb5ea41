import Foundation
import Testing

/// A real `wistdns serve` process on loopback, with its own copy of a zones folder, stopped when released.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the process and the log file are only touched from the test that owns this object.
    /// The DNS port (the port of the first `dnsListen` address when those are given).
    private(set) var port = 0
    /// The domains API's port (on 127.0.0.1).
    private(set) var apiPort = 0
    let zonesDirectory: URL
    /// The SQLite file this server uses, in its own temporary folder.
    let databasePath: String
    private(set) var process = Process()
    /// Where the server's standard output and error go, across attempts to start it. A file, not a `Pipe` with a
    /// `readabilityHandler`: tearing such a pipe down with its process crashes libdispatch now and then on Linux
    /// (`_dispatch_event_loop_drain`, swift-corelibs-foundation issue 3276), which took the whole test run down.
    private let logFile: URL
    private let logHandle: FileHandle

    /// The built `wistdns` next to the test bundle (`.build/<config>/wistdns`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["WISTDNS_BINARY"] { return URL(fileURLWithPath: path) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("wistdns")
    }

    /// The repository's `zones/` folder.
    static var repositoryZones: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("zones")
    }

    /// Starts the server on a free port of 127.0.0.1 and ::1 (from `LoopbackPorts`, the API on the next one) with a
    /// copy of `zones` (default: the repository's). `dnsListen` replaces those DNS addresses (e.g.
    /// `["127.0.0.2:53"]`); the API then gets a port of its own from `LoopbackPorts`.
    /// `launcher` runs the binary through another command (such as `prlimit --nofile=700 --`), which must exec it.
    init(zones: URL = ServerProcess.repositoryZones, database: String? = nil, dnsListen: [String]? = nil,
         extraArguments: [String] = [], launcher: [String] = []) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: zones, to: folder)
        zonesDirectory = folder
        logFile = folder.appendingPathExtension("log")
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: logFile.path) else {
            throw ServerError.message("cannot create \(logFile.path)")
        }
        logHandle = handle
        databasePath = database ?? folder.appendingPathComponent("data/wistdns.sqlite").path
        var lastError: Error?
        for _ in 0 ..< 5 {
            let listen: [String]
            if let dnsListen {
                port = dnsListen.first.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } } ?? 53
                apiPort = LoopbackPorts.take()
                listen = dnsListen
            } else {
                port = LoopbackPorts.take(2)
                apiPort = port + 1
                listen = ["127.0.0.1:\(port)", "[::1]:\(port)"]
            }
            process = Process()
            process.executableURL = launcher.isEmpty ? ServerProcess.binary : URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = (launcher.isEmpty ? [] : launcher + [ServerProcess.binary.path])
                + ["serve", "--zones", folder.path] + listen.flatMap { ["--dns-listen", $0] }
                + ["--workers", "2", "--db", databasePath,
                                 "--api-listen", "127.0.0.1:\(apiPort)", "--dkim-key-pool", "2"] + extraArguments
            // The log is kept across attempts: a failed attempt may already have printed the first API key.
            process.standardError = logHandle
            process.standardOutput = logHandle
            do {
                try process.run()
                // Our own line (text or JSON logs), not Hummingbird's "Server started and listening", which the
                // metrics listener may print before the API has failed to bind a port that was taken.
                try waitFor("[wistdns] listening", #""message":"listening""#, timeout: 20)
                // The catalog's first version is built once the other zones answer: wait for it as well, unless
                // the catalog is off. Its line once served, not any line about it (an error is one too).
                let catalogOff = zip(extraArguments, extraArguments.dropFirst())
                    .contains { $0 == "--catalog-zone" && $1 == "none" }
                if !catalogOff { try waitFor(/catalog zone \S+: serial \d+, \d+ members/, "the catalog's first version", timeout: 20) }
                return
            } catch {
                lastError = error
                if process.isRunning { process.terminate() }
            }
        }
        throw lastError ?? ServerError.message("could not start wistdns")
    }

    /// What the server has logged so far.
    var log: String {
        String(decoding: FileManager.default.contents(atPath: logFile.path) ?? Data(), as: UTF8.self)
    }

    /// Waits until the log contains one of `texts`.
    func waitFor(_ texts: String..., timeout: Double = 10) throws {
        try waitFor("'\(texts.joined(separator: "' or '"))'", timeout: timeout) { log in texts.contains(where: log.contains) }
    }

    /// Waits until the log has a match of `pattern`, `described` in the error thrown when it does not come.
    func waitFor(_ pattern: Regex<Substring>, _ described: String, timeout: Double = 10) throws {
        try waitFor(described, timeout: timeout) { log in log.contains(pattern) }
    }

    private func waitFor(_ what: String, timeout: Double, _ found: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if found(log) { return }
            guard process.isRunning else { throw ServerError.message("wistdns exited: \(log)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ServerError.message("timed out waiting for \(what) in: \(log)")
    }

    /// Sends a signal to the server.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Stops the server with SIGTERM and waits for it to exit: a server that is still running 20 s later is a
    /// failure (a shutdown that hangs), recorded, and the server is killed so the suite goes on.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            Issue.record("wistdns did not stop within 20 s of SIGTERM: \(log.suffix(2000))")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? logHandle.close()
        try? FileManager.default.removeItem(at: zonesDirectory)
        try? FileManager.default.removeItem(at: logFile)
    }
}

enum ServerError: Error { case message(String) }

/// Runs a command (with `input` on its standard input, if given) and returns its standard output (and error,
/// merged) and exit status.
@discardableResult
func run(_ tool: String, _ arguments: [String], input: Data? = nil) throws -> (output: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let stdin = input.map { _ in Pipe() }
    if let stdin { process.standardInput = stdin }
    try process.run()
    if let stdin, let input {
        // Written from another thread: a large input would fill the pipe while we wait to read the output.
        let writer = stdin.fileHandleForWriting
        DispatchQueue.global().async {
            writer.write(input)
            try? writer.close()
        }
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
}

/// `run` for commands that take seconds (load generators): the test waits without holding a thread of the
/// cooperative pool, which the other suites need meanwhile (it has as many threads as cores).
func runLong(_ tool: String, _ arguments: [String]) async throws -> (output: String, status: Int32) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).out")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.standardOutput = handle
    process.standardError = handle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    return (String(decoding: try Data(contentsOf: output), as: UTF8.self), status)
}

/// `dig` against the server, without recursion and with short timeouts; returns its full output.
func dig(_ server: ServerProcess, _ arguments: String..., address: String = "127.0.0.1") throws -> String {
    try run("dig", ["@\(address)", "-p", "\(server.port)", "+norec", "+time=2", "+tries=1"] + arguments).output
}

/// `dig +short`: the data of the answer section, one record per line.
func digShort(_ server: ServerProcess, _ name: String, _ type: String) throws -> [String] {
    try dig(server, "+short", name, type).split(separator: "\n").map(String.init)
}

/// Waits until `condition` holds, checking every 0.1 s; records an issue when `timeout` seconds pass first.
func waitUntil(timeout: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.1)
    }
    Issue.record("condition not met within \(timeout) s")
}

/// The repository's `scripts/` folder.
let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts")

/// The seconds until `condition` holds, checking every 10 ms; nil when `timeout` seconds pass first.
func secondsUntil(_ timeout: Double, _ condition: () throws -> Bool) throws -> Double? {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if try condition() { return Date().timeIntervalSince(start) }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return nil
}
