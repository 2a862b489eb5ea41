import DNSWire

/// Turns a query message into a response message: header checks, EDNS, the lookup, and the sections with
/// truncation. Thread-safe: each thread passes its own `ZoneStore.Reader`, so every call reads the snapshot
/// published at the time of the call without taking a lock.
public struct Responder: Sendable {
    public let store: ZoneStore
    public let options: ResponderOptions

    public init(store: ZoneStore, options: ResponderOptions = ResponderOptions()) {
        self.store = store
        self.options = options
    }

    /// A reader for one thread, to pass to every `respond` call made on that thread.
    public func makeReader() -> ZoneStore.Reader { ZoneStore.Reader(store) }

    /// Writes the response to `query` into `response` (whose limit the caller set to the transport's maximum),
    /// for a client whose address is not known: zone transfers are refused.
    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport,
                        into response: inout MessageWriter, reader: inout ZoneStore.Reader) -> Bool {
        respond(to: query, over: transport, from: nil, into: &response, reader: &reader, emit: { _ in })
    }

    /// Writes the response to `query` into `response` (whose limit the caller set to the transport's maximum).
    /// `peer` is the client's address (4 or 16 octets), nil when unknown; a zone transfer over TCP from an
    /// address in `options.allowTransfer`, or signed with a key in `options.transferKeys`, is answered in several
    /// messages: all but the last go to `emit`, in order, and the last is left in `response` (the whole response
    /// is built at once: servers stream it instead, through `respond(_:bytes:...:continuation:)`). A query that
    /// carries a TSIG record is verified and answered signed (see `respondSigned`).
    /// Returns false when the message gets no answer at all: it is not a readable query (shorter than a
    /// header, or QR set). `QueryPipeline` runs the same steps with its own between them.
    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport, from peer: [UInt8]?,
                        into response: inout MessageWriter, reader: inout ZoneStore.Reader,
                        emit: ([UInt8]) -> Void) -> Bool {
        switch parse(query, over: transport, into: &response) {
        case .dropped:
            return false
        case .answered:
            return true
        case .parsed(let parsed):
            var ignored: ResponseClass?
            var continuation: (any MessageStream)?
            respond(parsed, bytes: query, over: transport, from: peer, into: &response, reader: &reader,
                    classifyingAs: &ignored, continuation: &continuation)
            continuation?.drain(after: &response, emit: emit)
            return true
        }
    }

    /// What the first steps made of a message.
    public enum ParseResult {
        /// Not a query to answer: shorter than a header, or QR set.
        case dropped
        /// Unreadable: FORMERR (or NOTIMP for an unknown opcode) is in the writer.
        case answered
        case parsed(Query)
    }

    /// The first steps: the header, then the parse (habit: look at the header before anything else, as miekg/dns
    /// `acceptfunc` does).
    public func parse(_ query: UnsafeRawBufferPointer, over transport: Transport,
                      into response: inout MessageWriter) -> ParseResult {
        guard let header = Header(query), !header.isResponse else { return .dropped }
        do {
            return .parsed(try Query(parsing: query))
        } catch {
            writeError(header.opcode == .query ? .formErr : .notImp, header: header, query: nil, to: &response,
                       transport: transport)
            return .answered
        }
    }

    /// The steps after the parse: TSIG, then the answer; `responseClass`, when not nil on entry (only rate
    /// limiting needs it: it costs a hash of a name), tells which class (NSD's and Knot's:
    /// the answer for one name and type, a negative answer of one zone, a referral, an error) the response falls
    /// in, for rate limiting. Validly signed responses are `.authenticated`: only a holder of the key can ask for them.
    /// A response of several messages (a zone transfer) leaves its first message in `response` and the rest in
    /// `continuation`, to be written as the client reads them.
    public func respond(_ parsed: Query, bytes query: UnsafeRawBufferPointer, over transport: Transport,
                        from peer: [UInt8]?, into response: inout MessageWriter, reader: inout ZoneStore.Reader,
                        classifyingAs responseClass: inout ResponseClass?,
                        continuation: inout (any MessageStream)?) {
        if responseClass != nil { responseClass = .error }
        continuation = nil
        if let tsigStart = parsed.tsigStart {
            respondSigned(to: query, parsed, tsigAt: tsigStart, over: transport, from: peer, into: &response,
                          reader: &reader, classifyingAs: &responseClass, continuation: &continuation)
        } else {
            answer(query, parsed, over: transport, from: peer, signedWith: nil, into: &response, reader: &reader,
                   classifyingAs: &responseClass, continuation: &continuation)
        }
    }

    /// Writes an answer with no records and this RCODE (FORMERR for a malformed COOKIE option, say): the question
    /// and OPT (with the response cookie when the query has one).
    public func writeEmpty(_ rcode: Rcode, answering query: Query, over transport: Transport,
                           into writer: inout MessageWriter) {
        writeError(rcode, header: query.header, query: query, to: &writer, transport: transport)
    }

    /// Rewrites the response in `writer` as the empty, truncated answer (TC set, the question and OPT only) that
    /// the rate limiter sends instead of a dropped one, so that a real client retries over TCP.
    public func writeSlip(answering query: Query, into writer: inout MessageWriter) {
        ResponseBuilder(query: query, transport: .udp, udpPayloadSize: options.udpPayloadSize)
            .writeEmpty(.noError, truncated: true, to: &writer)
    }

    /// The answer to a readable query; `key` names the key it was validly signed with, nil when unsigned.
    func answer(_ query: UnsafeRawBufferPointer, _ parsed: Query, over transport: Transport, from peer: [UInt8]?,
                signedWith key: Name?, into response: inout MessageWriter, reader: inout ZoneStore.Reader,
                classifyingAs responseClass: inout ResponseClass?, continuation: inout (any MessageStream)?) {
        let header = parsed.header
        guard header.opcode == .query else {
            writeError(.notImp, header: header, query: parsed, to: &response, transport: transport)
            return
        }
        if let edns = parsed.edns, edns.version > 0 {
            writeError(.badVers, header: header, query: parsed, to: &response, transport: transport)
            return
        }
        // The type and class are read from the query where they lie: `let question = parsed.question` copied the
        // whole query (through its value witness) three times over.
        let type = parsed.question.type, rclass = parsed.question.rclass
        if type == .opt {
            writeError(.formErr, header: header, query: parsed, to: &response, transport: transport)
            return
        }
        if type == .axfr || type == .ixfr {
            // Transfers over TCP only (RFC 5936 section 4.2; RFC 1995 allows UDP IXFR, but secondaries use TCP),
            // to allowed addresses or keys, for a zone served here with this exact apex; everything else is REFUSED
            // (RFC 5936 section 2.2.1 allows NOTAUTH or REFUSED: REFUSED tells a client nothing about which zones
            // exist).
            guard transport == .tcp, rclass == .in, options.allowsTransfer(from: peer, signedWith: key),
                  let zone = reader.current().zone(origin: parsed.question.name) else {
                writeError(.refused, header: header, query: parsed, to: &response, transport: transport)
                return
            }
            let records: [Record]
            if type == .ixfr {
                // The client's version is the serial of the SOA in the authority section (RFC 1995 section 3).
                guard let clientSerial = Self.ixfrSerial(query, zone: zone.origin) else {
                    writeError(.formErr, header: header, query: parsed, to: &response, transport: transport)
                    return
                }
                records = IncrementalTransfer.records(of: zone, since: clientSerial)
            } else {
                records = zone.records + [zone.soa.records[0]]
            }
            let transfer = ZoneTransfer(query: parsed, records: records, options: options)
            _ = transfer.next(into: &response)
            if !transfer.isFinished { continuation = transfer }
            return
        }
        if type.isMetaType && type != .any {
            writeError(.notImp, header: header, query: parsed, to: &response, transport: transport)
            return
        }
        guard rclass == .in || rclass == .any else {
            writeError(.refused, header: header, query: parsed, to: &response, transport: transport)
            return
        }
        // Only a watched zone costs a reference stored here; the pipeline takes it after the answer.
        let outcome = reader.find(parsed.question.name, type)
        if responseClass != nil { responseClass = ResponseClass(outcome, question: parsed.question) }
        ResponseBuilder(query: parsed, transport: transport, udpPayloadSize: options.udpPayloadSize)
            .write(outcome, to: &response)
    }

    /// The serial of the zone's SOA in an IXFR query's authority section, nil when there is none.
    private static func ixfrSerial(_ query: UnsafeRawBufferPointer, zone: Name) -> UInt32? {
        guard let message = try? Message(parsing: query) else { return nil }
        for record in message.authority where record.type == .soa && record.name.lowercased() == zone {
            if case .soa(let soa) = record.rdata { return soa.serial }
        }
        return nil
    }

    /// An answer with no records: the question echoed when it could be read, and OPT when the client sent it.
    func writeError(_ rcode: Rcode, header: Header, query: Query?, to response: inout MessageWriter,
                    transport: Transport) {
        if let query {
            ResponseBuilder(query: query, transport: transport, udpPayloadSize: options.udpPayloadSize)
                .writeEmpty(rcode, to: &response)
        } else {
            ResponseBuilder.writeBare(rcode, header: header, to: &response)
        }
    }
}
