import Synchronization

/// Token buckets of changing requests, one per API key: `rate` tokens a second up to `burst`. A request that
/// finds no token is refused with the seconds until the next one; nothing is spent on it.
///
/// The table holds one bucket per key that has written, and keys are made by the operator, so it stays small.
final class WriteRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// The longest `Retry-After` given, in seconds (a day).
    static let longestWait = 86_400.0

    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(max(burst, 1))
    }

    /// Takes a token for `key` at `now` (seconds on a monotonic clock). Returns nil when the request may go on,
    /// else the whole seconds to wait before the next token (at least 1).
    func take(key: String, now: Double) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return Int(min(max(1, ((1 - bucket.tokens) / rate).rounded(.up)), Self.longestWait))
        }
    }
}
