import Foundation
import Testing

@Suite("TSIG settings: --tsig-key, --allow-transfer KEYNAME, tsigKeys in the config file", .serialized)
struct TSIGConfigTests {
    static let secret = "8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo="

    /// `wistdns serve` with `arguments` that must stop it before it serves: its exit status and output.
    func failedStart(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tsig-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try run(ServerProcess.binary.path, ["serve", "--zones", ServerProcess.repositoryZones.path, "--db",
                                                   folder.appendingPathComponent("db.sqlite").path,
                                                   "--dns-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"]
                       + arguments)
    }

    @Test("a bad key spec or an allow-transfer entry that is neither an address nor a key stops the start",
          arguments: [
              (["--tsig-key", "xfr.example:hmac-md5:\(secret)"], "unknown algorithm 'hmac-md5'"),
              (["--tsig-key", "xfr.example:\(secret)"], "NAME:ALGORITHM:BASE64SECRET"),
              (["--tsig-key", "xfr.example:hmac-sha256:not*base64"], "not valid base64"),
              (["--tsig-key", "xfr.example:hmac-sha256:\(secret)", "--tsig-key", "XFR.example.:hmac-sha512:\(secret)"],
               "configured twice"),
              (["--tsig-key", "xfr.example:hmac-sha256:\(secret)", "--allow-transfer", "other.example"],
               "--allow-transfer other.example: neither an IP address nor the name of a --tsig-key"),
              (["--allow-transfer", "xfr.example"], "neither an IP address nor the name of a --tsig-key"),
          ])
    func badSettings(arguments: [String], message: String) throws {
        let result = try failedStart(arguments)
        #expect(result.status != 0)
        #expect(result.output.contains(message), "\(result.output)")
        #expect(!result.output.contains("cmV0") && !result.output.contains(Self.secret), "the secret is not printed")
    }

    @Test("keys from the config file sign answers; the log names the keys but never shows a secret")
    func configFile() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("wistdns-\(UUID().uuidString).json")
        try """
            {"tsigKeys": ["xfr.example:hmac-sha256:\(Self.secret)"], "allowTransfer": ["XFR.example."]}
            """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let server = try ServerProcess(extraArguments: ["--config", config.path])
        let output = try dig(server, "-y", "hmac-sha256:xfr.example:\(Self.secret)", "wistfare.net", "SOA")
        #expect(output.contains("status: NOERROR") && output.contains("TSIG\thmac-sha256."), "\(output)")
        #expect(!output.contains("Couldn't verify"), "\(output)")
        #expect(server.log.contains("xfr.example. (hmac-sha256)"), "\(server.log)")
        #expect(!server.log.contains(Self.secret) && !server.log.contains("8QmvP3"), "\(server.log)")
    }
}
