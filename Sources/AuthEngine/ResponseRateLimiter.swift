import DNSWire

/// Response rate limiting for one DNS thread: token buckets keyed by the client's network and the response's
/// class, in a fixed-size table (a new key takes over its slot, as in Knot), so memory is bounded whatever the
/// traffic. Nothing is shared between threads: each UDP thread has its own limiter with its share of the rate
/// (`rate / threads`), so a client whose queries the kernel spreads over every thread (`SO_REUSEPORT` hashes the
/// source port) gets `rate` in all, and one that sticks to a single port gets less.
public final class ResponseRateLimiter {
    /// 16 octets, so a table of 65,536 takes 1 MiB: most of the per-query cost is the cache miss on the slot.
    private struct Bucket {
        /// The upper half of the key (0: empty slot); the lower half chose the slot.
        var tag: UInt32 = 0
        /// When the tokens were last refilled, in milliseconds (the difference is taken modulo 2^32).
        var stamp: UInt32 = 0
        /// Tokens in millionths of a response, at most one second's share.
        var tokens: Int64 = 0
    }

    private struct LogEntry {
        var key: UInt64 = 0
        var lastLogged: UInt64 = 0
        var dropped = 0
        var slipped = 0
    }

    public let settings: RateLimitSettings
    /// Copies of the settings the hot path reads, so it never touches the struct that holds the exempt list.
    private let ipv4PrefixLength: Int
    private let ipv6PrefixLength: Int
    private let slip: UInt64
    private let hasExemptions: Bool
    /// Millionths of a response added per millisecond, and the most a bucket holds (one second's share).
    private let refillPerMillisecond: Int64
    private let capacity: Int64
    private static let cost: Int64 = 1_000_000
    /// Buckets per network group: 4 of 16 octets, one cache line.
    private static let ways = 4
    private let seed: UInt64
    private let buckets: UnsafeMutableBufferPointer<Bucket>
    /// Responses limited by this thread, for `slip`: every `slip`-th of them is sent truncated.
    private var limitedCount: UInt64 = 0
    private var logEntries: [LogEntry]

    /// A limiter for one of `threads` threads that share `settings.rate`; `seed` keys the table's hash (give each
    /// server a random one, so nobody can aim collisions at a slot).
    public init(settings: RateLimitSettings, threads: Int, seed: UInt64) {
        self.settings = settings
        ipv4PrefixLength = settings.ipv4PrefixLength
        ipv6PrefixLength = settings.ipv6PrefixLength
        slip = UInt64(settings.slip)
        hasExemptions = !settings.exempt.isEmpty
        let perSecond = Int64(settings.rate) * Self.cost / Int64(max(1, threads))
        refillPerMillisecond = max(1, perSecond / 1000)
        capacity = max(Self.cost, perSecond)
        self.seed = seed
        // Aligned to a cache line, so each group of `ways` buckets is one line.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: settings.tableSize * MemoryLayout<Bucket>.stride,
                                                   alignment: 64)
        buckets = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Bucket.self, capacity: settings.tableSize),
                                             count: settings.tableSize)
        buckets.initialize(repeating: Bucket())
        logEntries = Array(repeating: LogEntry(), count: 4096)
    }

    /// Counts a response of `responseClass` to `client` at `now` (monotonic milliseconds) and says whether to
    /// send it. `report` gets an event when the client's network starts being limited, at most once per log
    /// interval.
    public func decide(client: ClientAddress, responseClass: ResponseClass, now: UInt64,
                       report: (RateLimitEvent) -> Void) -> RateDecision {
        guard responseClass.kind != .authenticated, !(hasExemptions && isExempt(client)) else { return .send }
        let prefixLength = client.isIPv4 ? ipv4PrefixLength : ipv6PrefixLength
        let network = client.network(prefixLength: prefixLength)
        let networkKey = mix(network.high ^ mix(network.low ^ (network.isIPv4 ? 0x4 : 0x6)))
        let key = mix(networkKey ^ mix(responseClass.nameHash ^ UInt64(responseClass.kind.rawValue) << 56))
        let tag = UInt32(truncatingIfNeeded: key >> 32) | 1
        let now32 = UInt32(truncatingIfNeeded: now)
        // A network's buckets share one cache line (a group of `ways`), so a busy network's line stays cached.
        let group = (Int(truncatingIfNeeded: networkKey) & (buckets.count / Self.ways - 1)) * Self.ways
        var slot = group
        var fullest = group
        var fullestTokens = Int64.min
        while slot < group + Self.ways, buckets[slot].tag != tag {
            let tokens = refilled(buckets[slot], now: now32)
            if tokens > fullestTokens {
                fullest = slot
                fullestTokens = tokens
            }
            slot += 1
        }
        guard slot < group + Self.ways else {
            // A new key takes the way with the most tokens: a full bucket holds nothing a new one would not,
            // so the buckets of whoever is being limited stay while a network's other names come and go.
            buckets[fullest] = Bucket(tag: tag, stamp: now32, tokens: capacity - Self.cost)
            return .send
        }
        let tokens = refilled(buckets[slot], now: now32)
        buckets[slot].stamp = now32
        if tokens >= Self.cost {
            buckets[slot].tokens = tokens - Self.cost
            return .send
        }
        buckets[slot].tokens = tokens
        limitedCount &+= 1
        let decision: RateDecision = slip > 0 && limitedCount % slip == 0 ? .slip : .drop
        record(decision, network: network, prefixLength: prefixLength, key: networkKey | 1, kind: responseClass.kind,
               now: now, report: report)
        return decision
    }

    deinit {
        UnsafeMutableRawPointer(buckets.baseAddress!).deallocate()
    }

    /// The tokens `bucket` holds at `now`: at most one second's refill (a full bucket, however long it was idle
    /// or if the clock wrapped); an empty way counts as full.
    private func refilled(_ bucket: Bucket, now: UInt32) -> Int64 {
        guard bucket.tag != 0 else { return Int64.max }
        let elapsed = Int64(min(now &- bucket.stamp, 1000))
        return min(capacity, bucket.tokens + elapsed * refillPerMillisecond)
    }

    private func isExempt(_ client: ClientAddress) -> Bool {
        settings.exempt.contains { $0.contains(client) }
    }

    private func record(_ decision: RateDecision, network: ClientAddress, prefixLength: Int, key: UInt64,
                        kind: ResponseClass.Kind, now: UInt64, report: (RateLimitEvent) -> Void) {
        let slot = Int(truncatingIfNeeded: key >> 20) & (logEntries.count - 1)
        if logEntries[slot].key != key { logEntries[slot] = LogEntry(key: key) }
        if decision == .drop { logEntries[slot].dropped += 1 } else { logEntries[slot].slipped += 1 }
        let entry = logEntries[slot]
        guard entry.lastLogged == 0 || now &- entry.lastLogged >= settings.logIntervalMilliseconds else { return }
        logEntries[slot].lastLogged = max(now, 1)
        logEntries[slot].dropped = 0
        logEntries[slot].slipped = 0
        report(RateLimitEvent(network: network, prefixLength: prefixLength, responseClass: kind,
                              dropped: entry.dropped, slipped: entry.slipped))
    }

    /// A keyed 64-bit mixer (the finalizer of SplitMix64 over the seed): spreads keys over the table.
    private func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
