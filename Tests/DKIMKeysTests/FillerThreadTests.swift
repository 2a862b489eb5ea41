@testable import DKIMKeys
import Foundation
import Testing

/// The pool's filler thread is background work: named, and at nice 10 so the DNS threads win the CPU.
@Suite("The key pool's filler thread")
struct FillerThreadTests {
    @Test("the filler thread is named wistdns-dkim and runs at nice 10")
    func niceTen() throws {
        let pool = DKIMKeyPool(algorithm: .ed25519, capacity: 1)
        defer { pool.stop() }
        // Other pools of the test process have filler threads too, which may be exiting: every one that can be
        // read counts, and there is at least ours.
        func fillerNiceValues() throws -> [Substring] {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
            return tasks.compactMap { task -> Substring? in
                guard (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "wistdns-dkim",
                    let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                    let end = stat.range(of: ")") else { return nil }
                // The fields after the command's closing parenthesis; nice is the 19th field of the line.
                let fields = stat[end.upperBound...].split(separator: " ")
                return fields.count > 16 ? fields[16] : nil
            }
        }
        // A new thread names itself (after taking its nice value) when it first runs, which a loaded machine delays.
        var niceValues: [Substring] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while niceValues.isEmpty, ContinuousClock.now < deadline {
            niceValues = try fillerNiceValues()
            if niceValues.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(!niceValues.isEmpty, "a thread named wistdns-dkim")
        #expect(niceValues.allSatisfy { $0 == "10" }, "\(niceValues)")
    }
}
