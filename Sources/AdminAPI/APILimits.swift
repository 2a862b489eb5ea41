/// What the API grants one client: how long a request may take to arrive, how many connections are open at once,
/// how large a request head may be, and how fast one key may change things.
public struct APILimits: Sendable, Equatable {
    /// Seconds a connection may take to deliver a whole request (head and body) from when it opened or its last
    /// response was sent; a client that trickles bytes (slowloris) or idles is closed then.
    public var requestTimeout: Int = 10
    /// Connections open at once; further connections wait in the listen backlog until one closes.
    public var maxConnections: Int = 1024
    /// The longest header field (name and value) and all header fields together, in octets, and the most fields.
    public var maxHeaderFieldSize: Int = 8 * 1024
    public var maxHeaderListSize: Int = 16 * 1024
    public var maxHeaderFieldCount: Int = 100
    /// Changing requests (POST, PUT, PATCH, DELETE) per second and per API key, with bursts of up to
    /// `writeBurst`; 0 turns the limit off.
    public var writeRate: Double = 20
    public var writeBurst: Int = 200
    /// The write rates allowed besides 0 (off): from one a day to a million a second.
    public static let writeRates: ClosedRange<Double> = 1.0 / 86_400 ... 1_000_000

    /// Pending connections the kernel queues while `maxConnections` are open.
    public var backlog: Int = 1024

    /// The defaults above.
    public init() {}
}
