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

extension Query {
    /// Whether `message` asks for a zone transfer (AXFR or IXFR), read from its question alone; false for a
    /// message whose question cannot be read.
    public static func asksForTransfer(_ message: UnsafeRawBufferPointer) -> Bool {
        guard let header = Header(message), header.questionCount == 1 else { return false }
        var reader = WireReader(message, offset: Header.size)
        guard (try? reader.readName("qname")) != nil, let type = try? reader.readUInt16("qtype") else { return false }
        return type == RecordType.axfr.rawValue || type == RecordType.ixfr.rawValue
    }
}
