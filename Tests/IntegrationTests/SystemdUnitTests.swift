import Foundation
import Testing

/// Issue 12: the systemd unit in packaging/ is one systemd accepts, with the hardening the operator expects.
@Suite("The systemd unit")
struct SystemdUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("packaging/wistdns.service")

    @Test("systemd-analyze verify accepts packaging/wistdns.service (with the built binary in ExecStart)")
    func verifies() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("wistdns.service")
        try text.replacingOccurrences(of: "/usr/local/bin/wistdns", with: ServerProcess.binary.path)
            .write(to: copy, atomically: true, encoding: .utf8)
        let result = try run("systemd-analyze", ["verify", copy.path])
        #expect(result.status == 0 && result.output.isEmpty, "\(result.output)")
    }

    @Test("the unit runs as its own user with port 53 and nothing more, a read-only system, and reloads on SIGHUP")
    func hardening() throws {
        let lines = Set(try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for line in ["User=wistdns", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                     "StateDirectory=wistdns", "ProtectSystem=strict", "NoNewPrivileges=yes",
                     "ExecReload=/bin/kill -HUP $MAINPID"] {
            #expect(lines.contains(line), "\(line)")
        }
        // Every option of ExecStart is one `wistdns serve` knows.
        let exec = try #require(lines.first { $0.hasPrefix("ExecStart=") })
        let options = exec.split(separator: " ").filter { $0.hasPrefix("--") }.map(String.init)
        let help = try run(ServerProcess.binary.path, ["serve", "--help"]).output
        for option in options { #expect(help.contains(option), "\(option)") }
    }
}
