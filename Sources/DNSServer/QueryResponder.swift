import DNSWire

/// Answers DNS messages. Implementations must be thread-safe: every worker thread calls it concurrently, each
/// with its own `ThreadState`.
public protocol QueryResponder: Sendable {
    /// What one worker thread keeps between messages, such as its cached view of the published zones. Each
    /// thread makes its own with `makeThreadState()` and never shares it.
    associatedtype ThreadState

    /// Makes the state of one worker thread; called once on that thread before its first message.
    func makeThreadState() -> ThreadState

    /// Writes the response to `query` into `response`, which the caller has reset with the transport's maximum
    /// size as its limit (65535 for TCP; for UDP the responder itself narrows the limit from EDNS).
    ///
    /// `client` is the address the message came from (nil when the system did not say), on both transports,
    /// held inline so the UDP path does not allocate. `peer` is the client's address and port on TCP
    /// (IPv4-mapped IPv6 addresses are given as IPv4); it is nil on UDP. A response of several messages (a zone
    /// transfer, TCP only) leaves its first message in `response` and sets `continuation` to the rest, which the
    /// TCP side writes as the client reads; `continuation` is nil on entry and must stay nil over UDP.
    /// Returns false when the message must be dropped without any answer.
    func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                 from peer: PeerAddress?, into response: inout MessageWriter, state: inout ThreadState,
                 continuation: inout (any MessageStream)?) -> Bool
}

extension QueryResponder where ThreadState == Void {
    public func makeThreadState() {}
}

/// The address a TCP client connected from.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 octets for IPv4 (including IPv4-mapped IPv6 clients of a dual-stack listener), 16 for IPv6.
    public let octets: [UInt8]
    public let port: UInt16

    public init(octets: [UInt8], port: UInt16) {
        // ::ffff:a.b.c.d (a dual-stack `[::]` listener) is the IPv4 client a.b.c.d.
        if octets.count == 16, octets[0 ..< 10].allSatisfy({ $0 == 0 }), octets[10] == 0xFF, octets[11] == 0xFF {
            self.octets = Array(octets[12...])
        } else {
            self.octets = octets
        }
        self.port = port
    }

    public var description: String {
        octets.count == 4 ? "\(IPAddressText.format(octets)):\(port)" : "[\(IPAddressText.format(octets))]:\(port)"
    }
}
