import DNSWire

/// A zone transfer answer: a sequence of records (for AXFR, RFC 5936: the SOA, every other record, the SOA again;
/// for IXFR see `IncrementalTransfer`) in as many messages as it takes. Built from the immutable `Zone`, so a
/// transfer sees one consistent version of the zone however the published snapshot changes meanwhile.
struct ZoneTransfer {
    /// A message is closed once it holds this many octets (RFC 5936 section 2.2 leaves the split to the server;
    /// small messages keep each write short and stay far below the 65535-octet TCP limit).
    static let messageTarget = 16 * 1024

    let query: Query
    /// The records to send, in order.
    let records: [Record]
    let options: ResponderOptions

    init(query: Query, records: [Record], options: ResponderOptions) {
        self.query = query
        self.records = records
        self.options = options
    }

    /// Writes the transfer: every message but the last goes to `emit`, the last stays in `writer`. Every
    /// message echoes the ID and the question (RFC 5936 section 2.2.1 allows it in all of them), has AA set, and
    /// carries OPT when the query did.
    func write(to writer: inout MessageWriter, emit: ([UInt8]) -> Void) {
        let builder = ResponseBuilder(query: query, transport: .tcp, udpPayloadSize: options.udpPayloadSize)
        let edns = builder.responseEDNS(rcode: .noError)
        var answers = 0
        begin(&writer, edns: edns)
        for record in records {
            if answers > 0 && writer.count >= Self.messageTarget {
                finish(&writer, answers: answers, edns: edns)
                emit(writer.bytes)
                begin(&writer, edns: edns)
                answers = 0
            }
            let mark = writer.mark()
            writer.writeRecord(record)
            if writer.overflowed && answers > 0 {
                // Did not fit after the others: it starts the next message.
                writer.rollBack(to: mark)
                finish(&writer, answers: answers, edns: edns)
                emit(writer.bytes)
                begin(&writer, edns: edns)
                answers = 0
                writer.writeRecord(record)
            }
            if writer.overflowed {
                // A record larger than a message cannot be transferred: end the stream with SERVFAIL.
                builder.writeEmpty(.servFail, to: &writer)
                return
            }
            answers += 1
        }
        finish(&writer, answers: answers, edns: edns)
    }

    /// Header (ID, opcode and RD echoed, QR and AA set), the question as sent; room kept for OPT.
    private func begin(_ writer: inout MessageWriter, edns: EDNS?) {
        writer.reset(limit: 65535 - (edns?.wireSize ?? 0))
        var header = Header(id: query.header.id, questionCount: 1)
        header.flags = query.header.flags & (Header.rdBit | Header.cdBit | 0x7800)
        header.isResponse = true
        header.isAuthoritative = true
        writer.writeHeader(header)
        writer.writeQuestion(query.question)
    }

    private func finish(_ writer: inout MessageWriter, answers: Int, edns: EDNS?) {
        var additional = 0
        if let edns {
            writer.limit += edns.wireSize
            edns.write(to: &writer)
            additional = 1
        }
        writer.patchCounts(answer: answers, authority: 0, additional: additional)
    }
}
