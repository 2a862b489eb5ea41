import DNSWire
import TSIG
import Platform

extension Responder {
    /// Answers a query that carries a TSIG record (RFC 8945 section 5.2) whose owner starts at `tsigStart`.
    /// A malformed record gets FORMERR, unsigned. A key, MAC or time that is not accepted gets NOTAUTH with the
    /// TSIG error (BADKEY, BADSIG, BADTIME, BADTRUNC) and no records. A valid one gets the same answer as an
    /// unsigned query (zone transfers are also allowed by the key when `options.transferKeys` names it), with
    /// room kept for the TSIG record in every message and every message signed: the first one left in `response`
    /// and every one `continuation` writes later, in that order.
    func respondSigned(to query: UnsafeRawBufferPointer, _ parsed: Query, tsigAt tsigStart: Int,
                       over transport: Transport, from peer: [UInt8]?, into response: inout MessageWriter,
                       reader: inout ZoneStore.Reader, classifyingAs responseClass: inout ResponseClass?,
                       continuation: inout (any MessageStream)?) {
        let now = SystemClock.wallSeconds()
        switch options.keyring.verify(request: query, tsigAt: tsigStart, now: now) {
        case .unsigned, .malformed:
            writeError(.formErr, header: parsed.header, query: parsed, to: &response, transport: transport)
        case .rejected(var rejection):
            response.reserved = rejection.reservedSize
            ResponseBuilder(query: parsed, transport: transport, udpPayloadSize: options.udpPayloadSize)
                .writeEmpty(.notAuth, to: &response)
            response.reserved = 0
            rejection.sign(&response, now: now)
        case .valid(var session):
            response.reserved = session.reservedSize
            var unsigned: (any MessageStream)?
            answer(query, parsed, over: transport, from: peer, signedWith: session.key.name, into: &response,
                   reader: &reader, classifyingAs: &responseClass, continuation: &unsigned)
            response.reserved = 0
            session.sign(&response, now: SystemClock.wallSeconds())
            if responseClass != nil { responseClass = .authenticated }
            if let unsigned { continuation = SignedMessageStream(unsigned, session: session) }
        }
    }
}

/// The messages of a signed transfer after the first: each written with room for the TSIG record and signed over
/// the previous message's MAC (RFC 8945 section 5.3.1).
final class SignedMessageStream: MessageStream {
    private let unsigned: any MessageStream
    private var session: TSIGSession

    init(_ unsigned: any MessageStream, session: TSIGSession) {
        self.unsigned = unsigned
        self.session = session
    }

    func next(into writer: inout MessageWriter) -> Bool {
        writer.reserved = session.reservedSize
        defer { writer.reserved = 0 }
        guard unsigned.next(into: &writer) else { return false }
        writer.reserved = 0
        session.sign(&writer, now: SystemClock.wallSeconds())
        return true
    }
}
