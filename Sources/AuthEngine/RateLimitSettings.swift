import DNSWire

/// Response rate limiting (RRL) settings, as NSD and Knot offer them.
public struct RateLimitSettings: Sendable, Equatable {
    /// The default rate: NSD's default. A resolver caches every answer for its TTL, so 200 identical responses a
    /// second to one /24 (or /56) mean 200 cache misses a second for one name from one network; with the TTLs of
    /// mail records (300 s and up) that is tens of thousands of separate caches behind one network, far beyond
    /// any real resolver farm. A client that is limited still gets every `slip`-th answer truncated and retries
    /// over TCP, which is never limited.
    public static let defaultRate = 200

    /// Responses per second per key (network and response class); 0 turns rate limiting off.
    public var rate: Int
    /// Every `slip`-th limited response is sent as an empty truncated answer (TC=1) instead of being dropped;
    /// 1 sends all of them truncated, 0 drops them all.
    public var slip: Int
    /// The prefix lengths that make a client's network: one bucket set per network.
    public var ipv4PrefixLength: Int
    public var ipv6PrefixLength: Int
    /// Clients never limited (secondaries, monitoring).
    public var exempt: [AddressPrefix]
    /// Buckets per DNS thread (a power of two; fixed memory, like Knot's table): 65,536 by default, 1 MiB.
    public var tableSize: Int
    /// A network being limited is logged at most once per this many milliseconds.
    public var logIntervalMilliseconds: UInt64

    public init(rate: Int = RateLimitSettings.defaultRate, slip: Int = 2, ipv4PrefixLength: Int = 24,
                ipv6PrefixLength: Int = 56, exempt: [AddressPrefix] = [], tableSize: Int = 65536,
                logIntervalMilliseconds: UInt64 = 10_000) {
        self.rate = max(0, rate)
        self.slip = max(0, slip)
        self.ipv4PrefixLength = min(max(ipv4PrefixLength, 0), 32)
        self.ipv6PrefixLength = min(max(ipv6PrefixLength, 0), 128)
        self.exempt = exempt
        var size = 1024
        while size < tableSize && size < 1 << 24 { size <<= 1 }
        self.tableSize = size
        self.logIntervalMilliseconds = logIntervalMilliseconds
    }

    /// Rate limiting turned off.
    public static let off = RateLimitSettings(rate: 0)

    public var isEnabled: Bool { rate > 0 }
}

/// What happens to a response the rate limiter has looked at.
public enum RateDecision: Sendable, Equatable {
    case send
    /// Over the rate: no answer.
    case drop
    /// Over the rate: an empty truncated answer instead (RFC-less; NSD's and Knot's slip).
    case slip
}

/// A network's responses being limited, for the log: at most one per network per log interval, with the
/// number of responses dropped and slipped since the previous one.
public struct RateLimitEvent: Sendable, Equatable, CustomStringConvertible {
    public let network: ClientAddress
    public let prefixLength: Int
    public let responseClass: ResponseClass.Kind
    public let dropped: Int
    public let slipped: Int

    public init(network: ClientAddress, prefixLength: Int, responseClass: ResponseClass.Kind, dropped: Int,
                slipped: Int) {
        self.network = network
        self.prefixLength = prefixLength
        self.responseClass = responseClass
        self.dropped = dropped
        self.slipped = slipped
    }

    public var description: String {
        "rate limiting \(network)/\(prefixLength) (\(responseClass)): \(dropped) dropped, \(slipped) truncated"
    }
}
