import AuthEngine
import DNSServer
import DNSWire

/// The whole query path (`QueryPipeline`: cookies, TSIG, the answer, rate limiting): the first octet chooses
/// the transport and the client, the rest is what the client sends. Over UDP (bit 0 clear) the rest is one
/// datagram, from an exempt client (bit 2 clear) or a rate-limited one; over TCP it is a stream of
/// 2-octet-length-prefixed messages, each answered in turn (bit 1 chooses whether the client may transfer
/// zones), framed by the server's own `TCPFrameBuffer` as it arrives in pieces. Every answer must parse, carry the
/// query's ID with QR set, and fit the transport.
enum QueryPathHarness {
    /// One thread's state, kept across inputs as a DNS thread keeps it across queries.
    nonisolated(unsafe) private static var state = FixedZones.pipeline.makeThreadState()

    static func run(_ input: UnsafeRawBufferPointer) -> String? {
        guard let mode = input.first else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: input[1...])
        var writer = MessageWriter(limit: 65535, capacity: 4096)
        if mode & 1 == 0 {
            writer.reset(limit: 65507)
            let client = mode & 4 == 0 ? FixedZones.exemptClient : FixedZones.limitedClient
            var continuation: (any MessageStream)?
            guard FixedZones.pipeline.respond(to: rest, over: .udp, client: client, peer: nil, into: &writer,
                                              state: &state, continuation: &continuation) else { return nil }
            if continuation != nil { return "a continuation over UDP" }
            if writer.bytes.count > 1232 { return "UDP answer of \(writer.bytes.count) octets, above 1232" }
            return check(writer.bytes, answering: rest)
        }
        let peer: [UInt8]? = mode & 2 == 0 ? nil : FixedZones.transferPeer
        // The server's own framing: the stream arrives in pieces (the bytes after the first length decide their
        // size), as a client's writes and the kernel split it.
        var stream = TCPFrameBuffer()
        let piece = rest.count > 2 ? max(1, Int(rest[rest.count - 1])) : rest.count
        var offset = 0
        var messages = 0
        while offset < rest.count, messages < 16 {
            let end = min(rest.count, offset + piece)
            stream.append(UnsafeRawBufferPointer(rebasing: rest[offset ..< end]))
            offset = end
            while messages < 16, case .message(let range) = stream.nextFrame() {
                messages += 1
                if let failure = stream.consume(range, { answerOverTCP($0, peer: peer, writer: &writer) }) {
                    return failure
                }
            }
            if case .invalid = stream.nextFrame() { return nil }
        }
        return nil
    }

    /// One framed TCP query: its answer and a transfer's other messages must all hold.
    private static func answerOverTCP(_ query: UnsafeRawBufferPointer, peer: [UInt8]?,
                                      writer: inout MessageWriter) -> String? {
        writer.reset(limit: 65535)
        var continuation: (any MessageStream)?
        let answered = FixedZones.pipeline.respond(
            to: query, over: .tcp, client: FixedZones.limitedClient, peer: peer, into: &writer, state: &state,
            continuation: &continuation)
        if answered, let failure = check(writer.bytes, answering: query) { return failure }
        var more = 0
        while let stream = continuation, stream.next(into: &writer) {
            if let failure = check(writer.bytes, answering: query) { return failure }
            more += 1
            if more > 10_000 { return "a transfer that does not end" }
        }
        return nil
    }

    /// The properties of every answer: it parses, and it answers the query (same ID, QR set).
    private static func check(_ answer: [UInt8], answering query: UnsafeRawBufferPointer) -> String? {
        guard answer.count <= 65535 else { return "answer of \(answer.count) octets" }
        do {
            _ = try Message(parsing: answer)
        } catch {
            return "our answer does not parse: \(error)"
        }
        guard answer[0] == query[0], answer[1] == query[1] else { return "answer with another ID" }
        guard answer[2] & 0x80 != 0 else { return "answer without QR" }
        return nil
    }
}
