/// The rest of a response that takes several messages (a zone transfer), written one message at a time as the
/// transport asks for them, so a large answer is never built or queued whole.
public protocol MessageStream: AnyObject {
    /// Writes the next message into `writer` (which it resets itself) and returns true, or returns false, leaving
    /// `writer` untouched, when there is none left.
    func next(into writer: inout MessageWriter) -> Bool
}

extension MessageStream {
    /// Writes every message that is left: all but the last go to `emit`, and the last stays in `writer`, which
    /// holds the message before them on entry (for callers that want a response whole, such as tests).
    public func drain(after writer: inout MessageWriter, emit: ([UInt8]) -> Void) {
        var pending = writer.bytes
        while next(into: &writer) {
            emit(pending)
            pending = writer.bytes
        }
    }
}
