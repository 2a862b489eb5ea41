/// The received bytes of one TCP connection, framed into DNS messages (RFC 7766 section 8: a 2-octet length,
/// then the message). Pure: the connection appends what `recv` gave it, and the fuzz harness feeds it streams.
package struct TCPFrameBuffer {
    /// The next framed message, if a whole one has arrived.
    package enum Frame {
        case message(Range<Int>)
        case incomplete
        /// A zero-length message: the connection is closed.
        case invalid
    }

    /// Received bytes; `start` is where the first unanswered message begins.
    private var bytes: [UInt8] = []
    private var start = 0
    /// Buffers above this capacity are released once empty, so idle connections stay small.
    private let retainedCapacity: Int

    package init(retainedCapacity: Int = 16 * 1024) {
        self.retainedCapacity = retainedCapacity
    }

    /// Appends received bytes, first dropping the messages already consumed.
    package mutating func append(_ received: UnsafeRawBufferPointer) {
        compact()
        bytes.append(contentsOf: received)
    }

    /// Finds the next whole message.
    package func nextFrame() -> Frame {
        let available = bytes.count - start
        guard available >= 2 else { return .incomplete }
        let length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
        if length == 0 { return .invalid }
        guard available >= 2 + length else { return .incomplete }
        return .message(start + 2 ..< start + 2 + length)
    }

    /// Calls `body` with the bytes of a message found by `nextFrame`, then drops the message.
    package mutating func consume<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let result = peek(range, body)
        start = range.upperBound
        return result
    }

    /// Calls `body` with the bytes of a message found by `nextFrame` and keeps the message.
    package func peek<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private mutating func compact() {
        guard start > 0 else { return }
        if start == bytes.count {
            if bytes.capacity > retainedCapacity {
                bytes = []
            } else {
                bytes.removeAll(keepingCapacity: true)
            }
        } else {
            bytes.removeFirst(start)
        }
        start = 0
    }
}
