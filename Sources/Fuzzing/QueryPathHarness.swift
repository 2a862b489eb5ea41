import AuthEngine
import DNSWire

/// The whole query path (`QueryPipeline`: cookies, TSIG, the answer, rate limiting): the first octet chooses
/// the transport and the client, the rest is what the client sends. Over UDP (bit 0 clear) the rest is one
/// datagram, from an exempt client (bit 2 clear) or a rate-limited one; over TCP it is a stream of
/// 2-octet-length-prefixed messages, each answered in turn (bit 1 chooses whether the client may transfer
/// zones). Every answer must parse, carry the query's ID with QR set, and fit the transport.
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
        var stream = TCPStream(rest)
        var messages = 0
        while let query = stream.next(), messages < 16 {
            messages += 1
            writer.reset(limit: 65535)
            var continuation: (any MessageStream)?
            let answered = FixedZones.pipeline.respond(
                to: query, over: .tcp, client: FixedZones.limitedClient, peer: peer, into: &writer, state: &state,
                continuation: &continuation)
            if answered, let failure = check(writer.bytes, answering: query) { return failure }
            // A transfer's other messages, as the server writes them.
            var more = 0
            while let stream = continuation, stream.next(into: &writer) {
                if let failure = check(writer.bytes, answering: query) { return failure }
                more += 1
                if more > 10_000 { return "a transfer that does not end" }
            }
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

/// Length-prefixed messages of a TCP stream (RFC 7766 section 8), as the server frames them: a zero length ends
/// the stream, an incomplete message at the end is never answered.
struct TCPStream {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> UnsafeRawBufferPointer? {
        guard bytes.count - offset >= 2 else { return nil }
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        guard length > 0, bytes.count - offset - 2 >= length else { return nil }
        let message = UnsafeRawBufferPointer(rebasing: bytes[offset + 2 ..< offset + 2 + length])
        offset += 2 + length
        return message
    }
}
