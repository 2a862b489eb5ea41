import Foundation

/// Helpers shared by the DKIMKeys tests: base64 decoding and running the `openssl` command line.
enum TestSupport {
    /// The DER prefix of an RSA-2048 SubjectPublicKeyInfo: SEQUENCE (290), SEQUENCE { rsaEncryption OID.
    static let rsaSPKIPrefix: [UInt8] = [
        0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ]

    static func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }

    /// Writes `text` to a temporary file, runs `command` through `/bin/sh` with `$F` set to the file's path,
    /// and returns the standard output and exit status.
    static func shell(_ command: String, input text: String) throws -> (output: String, status: Int32) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dkimkeys-\(UUID().uuidString).pem")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ["F": file.path, "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }

    /// A private key made by the `openssl` command line (e.g. `genpkey -algorithm EC ...`), as PEM.
    static func opensslKey(_ arguments: String) throws -> String {
        try shell("openssl genpkey \(arguments) 2>/dev/null", input: "").output
    }

    static func elapsedMilliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
