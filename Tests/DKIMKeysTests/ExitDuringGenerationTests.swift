import DKIMKeys
import Foundation
import Testing

/// OpenSSL frees its global state from an atexit handler: a process that exited while a thread was generating a key
/// crashed on a freed lock (a C reproduction crashed 40 times in 40; the test process of the suite crashed this way
/// once). `wist_openssl_init` turns that handler off before our first OpenSSL call.
@Suite("Exiting while a thread is inside OpenSSL")
struct ExitDuringGenerationTests {
    static let probe = "WISTDNS_EXIT_PROBE"

    @Test("a process that exits while threads generate keys and hash exits cleanly, every time")
    func exitDuringKeyGeneration() throws {
        if ProcessInfo.processInfo.environment[Self.probe] == "1" {
            // The child: busy threads inside libcrypto (key generation and hashing, which take its locks all the
            // time), then exit.
            Thread.detachNewThread { while true { _ = try? DKIMKeyGenerator.generate(.rsa2048) } }
            Thread.detachNewThread { while true { _ = try? DKIMKeyGenerator.generate(.ed25519) } }
            Thread.detachNewThread { while true { _ = SHA256.hash([1, 2, 3]) } }
            Thread.sleep(forTimeInterval: 0.2)
            exit(0)
        }
        for attempt in 1 ... 5 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            child.arguments = ["--testing-library", "swift-testing", "--filter", "exitDuringKeyGeneration"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.probe: "1"]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            child.waitUntilExit()
            #expect(child.terminationReason == .exit && child.terminationStatus == 0,
                    "attempt \(attempt): \(child.terminationReason == .uncaughtSignal ? "killed by signal" : "exit") \(child.terminationStatus)")
        }
    }
}
