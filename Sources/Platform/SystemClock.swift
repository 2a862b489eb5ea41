import Glibc

/// The clocks the server reads, in milliseconds (seconds where a protocol counts seconds), each read through the
/// vDSO without a system call; the coarse ones, read per query, are inlinable.
public enum SystemClock {
    /// Milliseconds since the UNIX epoch (`CLOCK_REALTIME`): the timestamps the API stores and shows.
    public static func wallMilliseconds() -> Int64 {
        let time = read(CLOCK_REALTIME)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Seconds since the UNIX epoch (`CLOCK_REALTIME`): TSIG times.
    public static func wallSeconds() -> UInt64 {
        UInt64(max(0, read(CLOCK_REALTIME).tv_sec))
    }

    /// Seconds since the UNIX epoch from the coarse real-time clock (a tick of a few milliseconds): DNS cookie
    /// timestamps, read once per query.
    @inlinable
    public static func coarseWallSeconds() -> UInt64 {
        UInt64(max(0, read(CLOCK_REALTIME_COARSE).tv_sec))
    }

    /// Monotonic milliseconds (`CLOCK_MONOTONIC`): deadlines and timeouts.
    public static func monotonicMilliseconds() -> UInt64 {
        milliseconds(read(CLOCK_MONOTONIC))
    }

    /// Monotonic milliseconds from the coarse clock, a few nanoseconds a read; its tick of a few milliseconds is
    /// fine for what is measured per query (rate-limit buckets that refill per second).
    @inlinable
    public static func coarseMonotonicMilliseconds() -> UInt64 {
        milliseconds(read(CLOCK_MONOTONIC_COARSE))
    }

    /// The `poll` timeout until `deadline`: at least 0, rounded up to a whole millisecond so that a loop does not
    /// wake just before the deadline and spin.
    public static func pollTimeout(until deadline: ContinuousClock.Instant,
                                   from now: ContinuousClock.Instant = .now) -> Int32 {
        Int32(clamping: milliseconds(roundingUp: deadline - now))
    }

    /// Whole milliseconds of `duration`, rounded up; 0 for a duration that is not positive.
    public static func milliseconds(roundingUp duration: Duration) -> Int64 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, whole <= .max - fraction else { return .max }
        return whole + fraction
    }

    /// Sleeps the calling thread for `duration` (the rest of it again after a signal).
    public static func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(clamping: seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }

    @inlinable
    static func read(_ clock: clockid_t) -> timespec {
        var time = timespec()
        clock_gettime(clock, &time)
        return time
    }

    @inlinable
    static func milliseconds(_ time: timespec) -> UInt64 {
        UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }
}
