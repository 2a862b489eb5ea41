import DNSWire
import TSIG

extension Responder {
    /// Answers a query that carries a TSIG record (RFC 8945 section 5.2) whose owner starts at `tsigStart`.
    /// A malformed record gets FORMERR, unsigned. A key, MAC or time that is not accepted gets NOTAUTH with the
    /// TSIG error (BADKEY, BADSIG, BADTIME, BADTRUNC) and no records. A valid one gets the same answer as an
    /// unsigned query (zone transfers are also allowed by the key when `options.transferKeys` names it), with
    /// room kept for the TSIG record in every message and every message signed: the ones given to `emit` and
    /// the last one left in `response`.
    func respondSigned(to query: UnsafeRawBufferPointer, _ parsed: Query, tsigAt tsigStart: Int,
                       over transport: Transport, from peer: [UInt8]?, into response: inout MessageWriter,
                       reader: inout ZoneStore.Reader, classifyingAs responseClass: inout ResponseClass,
                       emit: ([UInt8]) -> Void) {
        let now = TSIGClock.now()
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
            answer(query, parsed, over: transport, from: peer, signedWith: session.key.name, into: &response,
                   reader: &reader, classifyingAs: &responseClass) { message in
                var signed = message
                session.sign(&signed, now: TSIGClock.now())
                emit(signed)
            }
            response.reserved = 0
            session.sign(&response, now: TSIGClock.now())
            responseClass = .authenticated
        }
    }
}
