import DNSWire

/// Writes a response: header flags, the echoed question, the sections of an `Outcome`, EDNS, and truncation.
struct ResponseBuilder {
    /// What the response echoes of the query, copied out of it: a `Query` is copied and destroyed through its
    /// value witnesses, which cost more than answering some queries; these fields cost one reference, the name's.
    let header: Header
    let question: Question
    let edns: Query.EDNSRequest?
    let responseCookie: CookieOption?
    let transport: Transport
    /// Our EDNS UDP payload size. Only this plain value is kept, not the whole `ResponderOptions`: copying a
    /// struct that holds a collection costs reference counting on every query.
    let udpPayloadSize: UInt16

    init(query: borrowing Query, transport: Transport, udpPayloadSize: UInt16) {
        header = query.header
        question = query.question
        edns = query.edns
        responseCookie = query.responseCookie
        self.transport = transport
        self.udpPayloadSize = udpPayloadSize
    }

    /// The size limit of this response (RFC 1035 4.2.1, RFC 6891 6.2.3-6.2.5, RFC 7766).
    var sizeLimit: Int {
        switch transport {
        case .tcp:
            return 65535
        case .udp:
            guard let edns else { return 512 }
            return Int(min(max(edns.udpPayloadSize, EDNS.minimumPayload), udpPayloadSize))
        }
    }

    /// Our OPT record for this response, when the query carried one.
    func responseEDNS(rcode: Rcode) -> EDNS? {
        guard let edns else { return nil }
        var response = EDNS(udpPayloadSize: udpPayloadSize, extendedRcode: UInt8(rcode.rawValue >> 4), version: 0,
                            dnssecOK: edns.dnssecOK)
        response.cookie = responseCookie
        return response
    }

    /// Starts the response: header with the query's ID, opcode, RD and CD, then the question as sent.
    private func begin(_ rcode: Rcode, authoritative: Bool, to writer: inout MessageWriter) {
        writer.reset(limit: sizeLimit)
        var response = Header(id: header.id, questionCount: 1)
        response.flags = header.flags & (Header.rdBit | Header.cdBit | 0x7800)
        response.isResponse = true
        response.isAuthoritative = authoritative
        response.rcodeLow = UInt8(rcode.rawValue & 0x0F)
        writer.writeHeader(response)
        writer.writeQuestion(question)
    }

    /// Finishes with the OPT record (space for it is always kept) and the section counts.
    private func finish(_ rcode: Rcode, answer: Int, authority: Int, additional: Int, truncated: Bool,
                        to writer: inout MessageWriter) {
        var additional = additional
        if let edns = responseEDNS(rcode: rcode) {
            writer.limit += edns.wireSize
            edns.write(to: &writer)
            additional += 1
        }
        writer.patchCounts(answer: answer, authority: authority, additional: additional)
        if truncated {
            writer.patchUInt16(UInt16(writer.octet(at: 2)) << 8 | UInt16(writer.octet(at: 3)) | Header.tcBit, at: 2)
        }
    }

    /// A response with only the question (and OPT): errors such as FORMERR with a readable question, NOTIMP,
    /// REFUSED and BADVERS.
    func writeEmpty(_ rcode: Rcode, truncated: Bool = false, to writer: inout MessageWriter) {
        begin(rcode, authoritative: false, to: &writer)
        finish(rcode, answer: 0, authority: 0, additional: 0, truncated: truncated, to: &writer)
    }

    /// A header-only response for a query whose question could not be read.
    static func writeBare(_ rcode: Rcode, header query: Header, to writer: inout MessageWriter) {
        writer.reset(limit: 512)
        var header = Header(id: query.id)
        header.flags = query.flags & (Header.rdBit | Header.cdBit | 0x7800)
        header.isResponse = true
        header.rcodeLow = UInt8(rcode.rawValue & 0x0F)
        writer.writeHeader(header)
    }

    /// Writes the response for a lookup outcome.
    func write(_ outcome: Outcome, to writer: inout MessageWriter) {
        switch outcome {
        case .refused:
            writeEmpty(.refused, to: &writer)
        case .noData(let zone):
            writeNegative(.noError, zone: zone, answers: [], delegation: nil, to: &writer)
        case .nameError(let zone):
            writeNegative(.nxDomain, zone: zone, answers: [], delegation: nil, to: &writer)
        case .delegation(let cut):
            writeReferral(cut, answers: [], to: &writer)
        case .data(let name, let set):
            writePositive(CollectionOfOne((name: name, set: set)), to: &writer)
        case .answer(let answer):
            if let zone = answer.negative {
                writeNegative(answer.rcode, zone: zone, answers: answer.rrsets, delegation: nil, to: &writer)
            } else if let cut = answer.delegation {
                writeReferral(cut, answers: answer.rrsets, to: &writer)
            } else {
                writePositive(answer.rrsets, to: &writer)
            }
        }
    }

    /// Sections being filled; a required RRset that does not fit truncates the whole response.
    private struct Sections {
        enum Section { case answer, authority, additional }
        var answer = 0, authority = 0, additional = 0
        var truncated = false

        mutating func add(_ count: Int, to section: Section) {
            switch section {
            case .answer: answer += count
            case .authority: authority += count
            case .additional: additional += count
            }
        }
    }

    /// Writes required RRsets; on overflow, empties the response back to the question and marks it truncated
    /// (RFC 2181 section 9: a partial RRset is never sent, the client retries over TCP).
    private func writeRequired(_ sets: some Collection<(name: Name, set: RRSet)>, ttl: UInt32? = nil,
                               section: Sections.Section,
                               sections: inout Sections, afterQuestion: MessageWriter.Mark,
                               to writer: inout MessageWriter) {
        guard !sections.truncated else { return }
        for (name, set) in sets {
            if set.write(as: name, ttl: ttl, to: &writer) {
                sections.add(set.count, to: section)
            } else {
                writer.rollBack(to: afterQuestion)
                sections = Sections(truncated: true)
                return
            }
        }
    }

    /// Writes optional address records; what does not fit is left out without truncation.
    private func writeOptional(_ sets: [RRSet], sections: inout Sections, to writer: inout MessageWriter) {
        guard !sections.truncated else { return }
        for set in sets {
            let mark = writer.mark()
            if set.write(as: set.owner, to: &writer) {
                sections.additional += set.count
            } else {
                writer.rollBack(to: mark)
                return
            }
        }
    }

    /// Reserves room for the OPT record so it always fits.
    private func reserveOPT(_ writer: inout MessageWriter, rcode: Rcode) {
        if let edns = responseEDNS(rcode: rcode) { writer.limit -= edns.wireSize }
    }

    private func writePositive(_ answers: some Collection<(name: Name, set: RRSet)>, to writer: inout MessageWriter) {
        begin(.noError, authoritative: true, to: &writer)
        reserveOPT(&writer, rcode: .noError)
        let afterQuestion = writer.mark()
        var sections = Sections()
        writeRequired(answers, section: .answer, sections: &sections, afterQuestion: afterQuestion,
                      to: &writer)
        for answer in answers where !answer.set.additional.isEmpty {
            writeOptional(answer.set.additional, sections: &sections, to: &writer)
        }
        finish(.noError, answer: sections.answer, authority: sections.authority, additional: sections.additional,
               truncated: sections.truncated, to: &writer)
    }

    private func writeNegative(_ rcode: Rcode, zone: Zone, answers: [(name: Name, set: RRSet)],
                               delegation: RRSet?, to writer: inout MessageWriter) {
        begin(rcode, authoritative: true, to: &writer)
        reserveOPT(&writer, rcode: rcode)
        let afterQuestion = writer.mark()
        var sections = Sections()
        writeRequired(answers, section: .answer, sections: &sections, afterQuestion: afterQuestion,
                      to: &writer)
        // RFC 2308 section 3: the SOA's TTL in a negative answer is the lesser of its TTL and MINIMUM.
        writeRequired(CollectionOfOne((name: zone.soa.owner, set: zone.soa)), ttl: zone.negativeTTL, section: .authority,
                      sections: &sections, afterQuestion: afterQuestion, to: &writer)
        finish(rcode, answer: sections.answer, authority: sections.authority, additional: sections.additional,
               truncated: sections.truncated, to: &writer)
    }

    private func writeReferral(_ cut: RRSet, answers: [(name: Name, set: RRSet)], to writer: inout MessageWriter) {
        // A referral is not authoritative; a CNAME chain leading into it keeps AA for its own part.
        begin(.noError, authoritative: !answers.isEmpty, to: &writer)
        reserveOPT(&writer, rcode: .noError)
        let afterQuestion = writer.mark()
        var sections = Sections()
        writeRequired(answers, section: .answer, sections: &sections, afterQuestion: afterQuestion,
                      to: &writer)
        writeRequired(CollectionOfOne((name: cut.owner, set: cut)), section: .authority, sections: &sections,
                      afterQuestion: afterQuestion, to: &writer)
        // Glue below the cut is needed to reach the child (RFC 9471): it truncates when it does not fit.
        let glue = cut.additional.filter { $0.owner.isSubdomain(of: cut.owner) }
        let other = cut.additional.filter { !$0.owner.isSubdomain(of: cut.owner) }
        writeRequired(glue.map { ($0.owner, $0) }, section: .additional, sections: &sections,
                      afterQuestion: afterQuestion, to: &writer)
        writeOptional(other, sections: &sections, to: &writer)
        finish(.noError, answer: sections.answer, authority: sections.authority, additional: sections.additional,
               truncated: sections.truncated, to: &writer)
    }
}
