import DNSWire

/// Answers DNS messages. Implementations must be thread-safe: every worker thread calls it concurrently.
public protocol QueryResponder: Sendable {
    /// Writes the response to `query` into `response`, which the caller has reset with the transport's maximum
    /// size as its limit (65535 for TCP; for UDP the responder itself narrows the limit from EDNS).
    /// Returns false when the message must be dropped without any answer.
    func respond(to query: UnsafeRawBufferPointer, over transport: Transport, into response: inout MessageWriter) -> Bool
}
