import Synchronization
import Testing
@testable import AdminAPI

@Suite("ConcurrencyLimit")
struct ConcurrencyLimitTests {
    final class Tally: Sendable {
        /// Bodies running now, the most at once, and those finished.
        let counts = Mutex((running: 0, peak: 0, done: 0))
    }

    @Test("at most `limit` bodies run at once; every one runs")
    func bounded() async {
        let limit = ConcurrencyLimit(3)
        let tally = Tally()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 20 {
                group.addTask {
                    await limit.run {
                        tally.counts.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
                        try? await Task.sleep(for: .milliseconds(5))
                        tally.counts.withLock { $0.running -= 1; $0.done += 1 }
                    }
                }
            }
        }
        #expect(tally.counts.withLock { $0.peak } == 3)
        #expect(tally.counts.withLock { $0.done } == 20)
    }
}
