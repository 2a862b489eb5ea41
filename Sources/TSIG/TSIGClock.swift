import Glibc

/// The clock TSIG times come from: seconds since 1970-01-01 UTC.
public enum TSIGClock {
    /// The current time in whole seconds.
    public static func now() -> UInt64 { UInt64(max(0, time(nil))) }
}
