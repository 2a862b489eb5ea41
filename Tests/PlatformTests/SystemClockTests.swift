import Glibc
import Platform
import Testing

/// The clocks agree with each other and the poll timeout rounds up.
@Suite struct SystemClockTests {
    @Test func clocksAgree() {
        let wall = SystemClock.wallMilliseconds()
        #expect(abs(Int64(SystemClock.wallSeconds()) - wall / 1000) <= 1)
        #expect(abs(Int64(SystemClock.coarseWallSeconds()) - wall / 1000) <= 1)
        #expect(wall > 1_767_225_600_000, "after 2026-01-01")
        let coarse = SystemClock.coarseMonotonicMilliseconds()
        let precise = SystemClock.monotonicMilliseconds()
        #expect(precise >= coarse && precise - coarse < 50, "the coarse clock lags by at most a tick")
    }

    @Test func pollTimeoutRoundsUpAndNeverGoesNegative() {
        let now = ContinuousClock.now
        #expect(SystemClock.pollTimeout(until: now, from: now) == 0)
        #expect(SystemClock.pollTimeout(until: now - .seconds(1), from: now) == 0)
        #expect(SystemClock.pollTimeout(until: now + .microseconds(1), from: now) == 1)
        #expect(SystemClock.pollTimeout(until: now + .milliseconds(1500), from: now) == 1500)
        #expect(SystemClock.pollTimeout(until: now + .seconds(10_000_000), from: now) == Int32.max)
    }

    @Test func durationsInMillisecondsSaturate() {
        #expect(SystemClock.milliseconds(roundingUp: .nanoseconds(1)) == 1)
        #expect(SystemClock.milliseconds(roundingUp: .seconds(10)) == 10_000)
        #expect(SystemClock.milliseconds(roundingUp: .seconds(-3)) == 0)
        #expect(SystemClock.milliseconds(roundingUp: .seconds(Int64.max)) == Int64.max)
    }

    @Test func sleepLastsAtLeastTheDuration() {
        let start = SystemClock.monotonicMilliseconds()
        SystemClock.sleep(for: .milliseconds(30))
        #expect(SystemClock.monotonicMilliseconds() - start >= 30)
    }
}

/// The processor count follows the process's CPU affinity.
@Suite struct ProcessorsTests {
    @Test func countsTheAllowedProcessors() throws {
        #expect(Processors.online >= 1)
        #expect(Processors.online <= Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
