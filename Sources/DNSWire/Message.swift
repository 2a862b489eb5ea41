/// A whole DNS message, fully decoded. Used by clients, tests and tools; the server's hot path reads queries
/// with `Query` instead.
public struct Message: Hashable, Sendable {
    public var header: Header
    public var questions: [Question]
    public var answers: [Record]
    public var authority: [Record]
    /// Additional records, without the OPT pseudo-record.
    public var additional: [Record]
    /// The OPT pseudo-record's content, when present.
    public var edns: EDNS?

    public init(header: Header, questions: [Question] = [], answers: [Record] = [], authority: [Record] = [],
                additional: [Record] = [], edns: EDNS? = nil) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// The full response code: the header's 4 bits plus EDNS's extended 8 bits.
    public var rcode: Rcode {
        Rcode(UInt16(edns?.extendedRcode ?? 0) << 4 | UInt16(header.rcodeLow))
    }

    /// Decodes a message. Throws `WireError` with the field and offset of the first problem; trailing octets
    /// after the last record are an error too.
    public init(parsing bytes: [UInt8]) throws(WireError) {
        let result: Result<Message, WireError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try Message(parsing: buffer) }
        }
        self = try result.get()
    }

    /// Decodes a message from raw bytes.
    public init(parsing buffer: UnsafeRawBufferPointer) throws(WireError) {
        guard let header = Header(buffer) else { throw WireError(.truncated, field: "header", offset: 0) }
        var reader = WireReader(buffer, offset: Header.size)
        var questions: [Question] = []
        for _ in 0 ..< header.questionCount {
            let name = try reader.readName("qname")
            let type = RecordType(try reader.readUInt16("qtype"))
            let rclass = RecordClass(try reader.readUInt16("qclass"))
            questions.append(Question(name: name, type: type, rclass: rclass))
        }
        var edns: EDNS? = nil
        func readSection(_ count: UInt16, additional: Bool) throws(WireError) -> [Record] {
            var records: [Record] = []
            for _ in 0 ..< count {
                let start = reader.offset
                let name = try reader.readName("owner")
                let type = RecordType(try reader.readUInt16("type"))
                let rclass = try reader.readUInt16("class")
                let ttl = try reader.readUInt32("ttl")
                let length = Int(try reader.readUInt16("rdlength"))
                if type == .opt {
                    guard additional, edns == nil, name.isRoot else { throw WireError(.badOPT, field: "OPT", offset: start) }
                    let rdataOffset = reader.offset
                    let rdata = try reader.readBytes(length, "OPT rdata")
                    edns = try EDNS(rclass: rclass, ttl: ttl, rdata: rdata, offset: rdataOffset)
                    continue
                }
                let rdata = try RData.read(type: type, length: length, from: &reader)
                records.append(Record(name: name, type: type, rclass: RecordClass(rclass), ttl: ttl, rdata: rdata))
            }
            return records
        }
        let answers = try readSection(header.answerCount, additional: false)
        let authority = try readSection(header.authorityCount, additional: false)
        let additional = try readSection(header.additionalCount, additional: true)
        guard reader.remaining == 0 else { throw WireError(.badRData, field: "trailing data", offset: reader.offset) }
        self.init(header: header, questions: questions, answers: answers, authority: authority,
                  additional: additional, edns: edns)
    }

    /// Encodes the message with compression. Counts in the header are taken from the sections.
    public func encoded(limit: Int = 65535) -> [UInt8] {
        var writer = MessageWriter(limit: limit)
        var header = self.header
        header.questionCount = UInt16(questions.count)
        header.answerCount = UInt16(answers.count)
        header.authorityCount = UInt16(authority.count)
        header.additionalCount = UInt16(additional.count + (edns == nil ? 0 : 1))
        writer.writeHeader(header)
        for question in questions { writer.writeQuestion(question) }
        for record in answers + authority + additional { writer.writeRecord(record) }
        edns?.write(to: &writer)
        return writer.bytes
    }
}
