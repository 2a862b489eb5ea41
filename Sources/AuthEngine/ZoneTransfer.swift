import DNSWire

/// A zone transfer answer: a sequence of records (for AXFR, RFC 5936: the SOA, every other record, the SOA again;
/// for IXFR see `IncrementalTransfer`) in as many messages as it takes, written one message at a time as the
/// transport asks for the next (so a large zone is never built or queued whole). Built from the immutable `Zone`,
/// so a transfer sees one consistent version of the zone however the published snapshot changes meanwhile.
final class ZoneTransfer: MessageStream {
    /// A message is closed once it holds this many octets (RFC 5936 section 2.2 leaves the split to the server;
    /// small messages keep each write short and stay far below the 65535-octet TCP limit).
    static let messageTarget = 16 * 1024

    let query: Query
    /// The records to send, in order.
    let records: [Record]
    private let builder: ResponseBuilder
    private let edns: EDNS?
    /// The first record the next message starts with.
    private var index = 0
    /// Set once the last message has been written.
    private(set) var isFinished = false

    init(query: Query, records: [Record], options: ResponderOptions) {
        self.query = query
        self.records = records
        builder = ResponseBuilder(query: query, transport: .tcp, udpPayloadSize: options.udpPayloadSize)
        edns = builder.responseEDNS(rcode: .noError)
    }

    /// Writes the next message. Every message echoes the ID and the question (RFC 5936 section 2.2.1 allows it in
    /// all of them), has AA set, and carries OPT when the query did. A record larger than a message cannot be
    /// transferred: the stream ends with SERVFAIL.
    func next(into writer: inout MessageWriter) -> Bool {
        guard !isFinished else { return false }
        begin(&writer, edns: edns)
        var answers = 0
        while index < records.count {
            if answers > 0 && writer.count >= Self.messageTarget { break }
            let mark = writer.mark()
            writer.writeRecord(records[index])
            if writer.overflowed {
                if answers > 0 {
                    // Did not fit after the others: it starts the next message.
                    writer.rollBack(to: mark)
                    break
                }
                builder.writeEmpty(.servFail, to: &writer)
                isFinished = true
                return true
            }
            answers += 1
            index += 1
        }
        finish(&writer, answers: answers, edns: edns)
        if index == records.count { isFinished = true }
        return true
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
