import DNSWire
import Glibc

/// One accepted TCP connection (RFC 7766): the bytes read but not yet framed into messages, the responses not
/// yet written, and its place in the idle order. Used only on the TCP event-loop thread.
final class TCPConnection {
    /// The outcome of a read or a write.
    enum IOResult {
        /// Some bytes moved.
        case progress
        /// Nothing to do until epoll says so.
        case wouldBlock
        /// The peer finished sending (read returned 0).
        case endOfInput
        /// The connection failed and must be closed.
        case failed
    }

    let fd: Int32
    /// Tells this connection from an earlier one that had the same descriptor number.
    let serial: UInt32
    /// The client's address (nil if the system did not report one).
    let peer: PeerAddress?
    /// The client's address as the responder's steps key on it (nil if the system did not report one).
    let client: ClientAddress?
    /// What the per-source connection limit counts: the IPv4 address, the IPv6 /64 (nil when unknown).
    let source: ClientAddress?
    /// A zone transfer is being written or its messages are queued: the connection is not evicted at the cap,
    /// and a full output queue is expected. Cleared once the transfer is written and the output drained.
    var inTransfer = false
    /// The rest of the transfer being written, pulled as the output drains; no other query is answered meanwhile.
    var transfer: (any MessageStream)?
    /// The next query asks for a transfer while the concurrent-transfer cap is reached: it waits.
    var waitingForTransferSlot = false
    /// Monotonic time of the last complete query or write that moved bytes, in milliseconds.
    var lastActivity: UInt64
    /// The peer has closed its side: answer what is complete, then close.
    var inputClosed = false
    /// The epoll events currently registered.
    var registeredEvents: UInt32

    /// Received bytes, framed into messages.
    private var input = TCPFrameBuffer(retainedCapacity: TCPConnection.retainedCapacity)
    /// Length-prefixed responses; `outputStart` is where the unsent part begins.
    private var output: [UInt8] = []
    private var outputStart = 0

    /// Buffers above this capacity are released once empty, so idle connections stay small.
    private static let retainedCapacity = 16 * 1024

    /// The neighbours in the idle order (see `ConnectionTable`).
    var older: TCPConnection?
    var newer: TCPConnection?

    init(fd: Int32, serial: UInt32, events: UInt32, peer: PeerAddress?, now: UInt64) {
        self.fd = fd
        self.serial = serial
        self.peer = peer
        self.client = peer.flatMap { ClientAddress(octets: $0.octets) }
        self.source = Self.source(of: peer)
        self.registeredEvents = events
        self.lastActivity = now
    }

    /// The source a client at `peer` counts under: its IPv4 address, or its IPv6 /64 (one customer's share of
    /// IPv6 space, where addresses cost nothing).
    static func source(of peer: PeerAddress?) -> ClientAddress? {
        guard let address = peer.flatMap({ ClientAddress(octets: $0.octets) }) else { return nil }
        return address.isIPv4 ? address : address.network(prefixLength: 64)
    }

    /// The number of response bytes not yet written.
    var pendingOutput: Int { output.count - outputStart }

    /// Reads what the socket holds, up to the size of `scratch`.
    func read(using scratch: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = recv(fd, scratch.baseAddress, scratch.count, 0)
            if count > 0 {
                input.append(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                return .progress
            }
            if count == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    /// Finds the next whole message in the input.
    func nextFrame() -> TCPFrameBuffer.Frame { input.nextFrame() }

    /// Calls `body` with the bytes of a message found by `nextFrame`, then drops the message from the input.
    func consume<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        input.consume(range, body)
    }

    /// Calls `body` with the bytes of a message found by `nextFrame` and leaves the message in the input.
    func peek<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        input.peek(range, body)
    }

    /// Queues a response behind its 2-octet length. `message` must be at most 65535 octets.
    func enqueue(_ message: [UInt8]) {
        output.append(UInt8(message.count >> 8))
        output.append(UInt8(message.count & 0xFF))
        output.append(contentsOf: message)
    }

    /// Writes as much of the queued output as the socket takes.
    func flush() -> IOResult {
        var wrote = false
        while outputStart < output.count {
            let count = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + outputStart, raw.count - outputStart, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                outputStart += count
                wrote = true
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return wrote ? .progress : .wouldBlock }
            return .failed
        }
        if output.capacity > Self.retainedCapacity {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputStart = 0
        return wrote ? .progress : .wouldBlock
    }
}
