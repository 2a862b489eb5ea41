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
    /// Returns false when the message must be dropped without any answer.
    func respond(to query: UnsafeRawBufferPointer, over transport: Transport, into response: inout MessageWriter,
                 state: inout ThreadState) -> Bool
}

extension QueryResponder where ThreadState == Void {
    public func makeThreadState() {}
}
