import Foundation
import Testing

/// Issue 10: schemathesis (PyPI, installed by scripts/test) generates requests from docs/openapi.yaml, valid and
/// invalid, and sends them to the real binary: any 5xx, any response that breaks the document (status, content
/// type, schema, headers), and any request that hangs fails the suite.
@Suite("The domains API fuzzed from its OpenAPI document with schemathesis", .serialized)
struct SchemathesisTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("a bounded run (25 examples per operation, every phase and check) finds no issue")
    func noIssues() async throws {
        // No resolver: verify asks only our own server on loopback, so fuzzing it sends nothing off the machine.
        let server = try ServerProcess(extraArguments: ["--api-write-rate", "0"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let command = """
            cd '\(scratch.path)' && env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u http_proxy -u https_proxy \
            -u SCHEMATHESIS_HOOKS NO_PROXY='*' HYPOTHESIS_STORAGE_DIRECTORY='\(scratch.path)/hypothesis' \
            ST_API_KEY='\(key)' timeout 600 python3 -c \
            'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; sys.exit(schemathesis())' \
            --config-file '\(Self.repository.path)/scripts/schemathesis.toml' --no-color \
            run '\(Self.repository.path)/docs/openapi.yaml' --url 'http://127.0.0.1:\(server.apiPort)' \
            --max-examples 25 --seed 1 --request-timeout 5 --workers 1
            """
        let (output, status) = try await runLong("sh", ["-c", command])
        let summary = output.split(separator: "\n").filter { $0.contains("generated") || $0.contains("issues") || $0.contains("Seed") }
        print("schemathesis: " + summary.joined(separator: " | "))
        #expect(status == 0, "\(output)")
        #expect(output.contains("No issues found"), "\(output)")
        let generated = try #require(output.firstMatch(of: /(\d+) generated/).map { Int($0.1) ?? 0 })
        #expect(generated >= 300, "every operation was exercised")
        #expect(server.process.isRunning)
        #expect(!server.log.contains("request failed"), "no request reached the 500 path")
    }
}
