/// How often and how long a NOTIFY is retried, and how many may wait for an answer from one secondary at once.
public struct NotifyPolicy: Sendable, Equatable {
    /// The wait after the first send before the second; each later wait doubles, up to `maxRetryInterval`.
    public var firstRetry: Duration
    /// The longest wait between two sends of the same NOTIFY.
    public var maxRetryInterval: Duration
    /// How long after its first send an unanswered NOTIFY is given up (with a warning).
    public var giveUpAfter: Duration
    /// NOTIFYs sent to one secondary and not yet answered, at most; changes beyond it wait their turn, so a
    /// start-up with thousands of zones does not flood a secondary (NSD keeps a similar cap). 1 to 4096.
    public var maxInFlight: Int

    /// The defaults: retries after 1, 2, 4, ... seconds, at most a minute apart, given up after five minutes;
    /// 64 unanswered NOTIFYs per secondary.
    public init(firstRetry: Duration = .seconds(1), maxRetryInterval: Duration = .seconds(60),
                giveUpAfter: Duration = .seconds(300), maxInFlight: Int = 64) {
        self.firstRetry = firstRetry
        self.maxRetryInterval = maxRetryInterval
        self.giveUpAfter = giveUpAfter
        self.maxInFlight = min(max(1, maxInFlight), 4096)
    }

    /// The wait after the `attempt`-th send (1 for the first): `firstRetry` doubled `attempt - 1` times,
    /// capped at `maxRetryInterval`.
    func retryInterval(afterAttempt attempt: Int) -> Duration {
        var interval = firstRetry
        for _ in 1 ..< max(1, attempt) {
            guard interval < maxRetryInterval else { break }
            interval = interval * 2
        }
        return min(interval, maxRetryInterval)
    }
}
