import Platform

extension DNSServer {
    /// Tuning of the socket layer. The defaults suit an authoritative server on a small machine.
    public struct Options: Sendable {
        /// Datagrams taken by one `recvmmsg` and answered by one `sendmmsg` (1 to 1024).
        public var udpBatchSize: Int
        /// A TCP connection that neither completed a query nor took any response byte for this long is closed
        /// (RFC 7766 section 6.2.3). Partial reads do not count: a message trickled in too slowly is closed too.
        public var tcpIdleTimeout: Duration
        /// Open TCP connections at most. When a new connection arrives at the cap, one is closed to make room:
        /// the least recently active one of the source that holds the most, never one in the middle of a zone
        /// transfer. Idle, stalled or greedy clients cannot lock out new ones.
        public var maxTCPConnections: Int
        /// Open TCP connections at most from one source (an IPv4 address, an IPv6 /64); a source's connection
        /// beyond it is closed at once.
        public var maxTCPConnectionsPerSource: Int
        /// Octets of queued responses per TCP connection beyond which the server stops reading that connection's
        /// further queries. A single response may pass it. A connection that has reached it, does not read, and
        /// has more queries waiting (it pipelines and never reads) is closed; a zone transfer is not.
        public var maxTCPPendingOutput: Int
        /// Zone transfers written at the same time at most; a further transfer request waits (its connection is
        /// not read) until one ends.
        public var maxConcurrentTransfers: Int
        /// The `listen` backlog of each TCP listener (the kernel caps it at `net.core.somaxconn`). Knot's and
        /// NSD's are large too: a burst of connections must wait in the accept queue, not be dropped.
        public var tcpBacklog: Int

        public init(udpBatchSize: Int = 32, tcpIdleTimeout: Duration = .seconds(10), maxTCPConnections: Int = 1000,
                    maxTCPConnectionsPerSource: Int = 100, maxTCPPendingOutput: Int = 128 * 1024,
                    maxConcurrentTransfers: Int = 10, tcpBacklog: Int = 4096) {
            self.maxConcurrentTransfers = maxConcurrentTransfers
            self.udpBatchSize = udpBatchSize
            self.tcpIdleTimeout = tcpIdleTimeout
            self.maxTCPConnections = maxTCPConnections
            self.maxTCPConnectionsPerSource = maxTCPConnectionsPerSource
            self.maxTCPPendingOutput = maxTCPPendingOutput
            self.tcpBacklog = tcpBacklog
        }

        /// The idle timeout in whole milliseconds (rounded up).
        var tcpIdleTimeoutMilliseconds: UInt64 { UInt64(SystemClock.milliseconds(roundingUp: tcpIdleTimeout)) }

        /// Why these options cannot be used, or nil.
        var problem: String? {
            if !(1 ... 1024).contains(udpBatchSize) { return "udpBatchSize must be 1 to 1024" }
            if tcpIdleTimeoutMilliseconds == 0 { return "tcpIdleTimeout must be positive" }
            if maxTCPConnections < 1 { return "maxTCPConnections must be at least 1" }
            if maxTCPConnectionsPerSource < 1 { return "maxTCPConnectionsPerSource must be at least 1" }
            if maxTCPPendingOutput < 1 { return "maxTCPPendingOutput must be at least 1" }
            if maxConcurrentTransfers < 1 { return "maxConcurrentTransfers must be at least 1" }
            if tcpBacklog < 1 { return "tcpBacklog must be at least 1" }
            return nil
        }
    }
}
