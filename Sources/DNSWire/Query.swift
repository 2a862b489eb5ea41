/// A query as the server's hot path reads it: the header, the single question and the EDNS parameters,
/// without decoding anything else and without copying the question name's case away.
public struct Query: Sendable {
    /// What the client sent in its EDNS OPT record.
    public struct EDNSRequest: Hashable, Sendable {
        public var udpPayloadSize: UInt16
        public var version: UInt8
        public var dnssecOK: Bool
    }

    public var header: Header
    /// The question, with the name exactly as sent (0x20 case preserved).
    public var question: Question
    /// The client's EDNS parameters, or nil without an OPT record.
    public var edns: EDNSRequest?
    /// The offset of the TSIG record (RFC 8945) when the message is signed: the last additional record, whose
    /// owner name starts here. Nil for an unsigned message. Noted while the additional section is walked anyway,
    /// so an unsigned query costs nothing more.
    public var tsigStart: Int?
    /// The COOKIE option (RFC 7873) of the OPT record, nil without one.
    public var cookie: CookieRequest?
    /// The COOKIE option to send in the response's OPT record; the cookie step of the query pipeline sets it.
    public var responseCookie: CookieOption?

    /// Reads a query message. Throws `WireError` when the question cannot be read, when QDCOUNT is not 1,
    /// when a record is short, when there is more than one OPT record, or when a TSIG record is anywhere but
    /// last in the additional section (RFC 8945 section 5.1; all answered with FORMERR).
    public init(parsing buffer: UnsafeRawBufferPointer) throws(WireError) {
        guard let header = Header(buffer) else { throw WireError(.truncated, field: "header", offset: 0) }
        guard header.questionCount == 1 else { throw WireError(.badRData, field: "qdcount", offset: 4) }
        var reader = WireReader(buffer, offset: Header.size)
        let name = try reader.readName("qname")
        let type = RecordType(try reader.readUInt16("qtype"))
        let rclass = RecordClass(try reader.readUInt16("qclass"))
        // Read into locals and stored once at the end: stored field by field between the throwing reads, the query
        // was copied and destroyed once more through its value witnesses.
        var edns: EDNSRequest?
        var tsigStart: Int?
        var cookie: CookieRequest?
        let records = Int(header.answerCount) + Int(header.authorityCount)
        for _ in 0 ..< records {
            try Query.skipRecord(&reader)
        }
        for _ in 0 ..< header.additionalCount {
            let start = reader.offset
            guard tsigStart == nil else { throw WireError(.misplacedTSIG, field: "TSIG", offset: start) }
            let owner = try reader.readUInt8("owner")
            if owner != 0 {
                reader.offset = start
                _ = try reader.readName("owner")
            }
            let type = try reader.readUInt16("type")
            let rclass = try reader.readUInt16("class")
            let ttl = try reader.readUInt32("ttl")
            let length = Int(try reader.readUInt16("rdlength"))
            let rdataStart = reader.offset
            try reader.skip(length, "rdata")
            if type == RecordType.tsig.rawValue { tsigStart = start }
            guard type == RecordType.opt.rawValue else { continue }
            guard owner == 0, edns == nil else { throw WireError(.badOPT, field: "OPT", offset: start) }
            cookie = try Query.validateOptions(reader.message, from: rdataStart, length: length)
            edns = EDNSRequest(udpPayloadSize: rclass, version: UInt8((ttl >> 16) & 0xFF), dnssecOK: ttl & 0x8000 != 0)
        }
        self.header = header
        self.question = Question(name: name, type: type, rclass: rclass)
        self.edns = edns
        self.tsigStart = tsigStart
        self.cookie = cookie
        self.responseCookie = nil
    }

    /// Skips an answer or authority record; a TSIG record there is misplaced.
    private static func skipRecord(_ reader: inout WireReader) throws(WireError) {
        let start = reader.offset
        _ = try reader.readName("owner")
        guard try reader.readUInt16("type") != RecordType.tsig.rawValue else {
            throw WireError(.misplacedTSIG, field: "TSIG", offset: start)
        }
        try reader.skip(6, "record header")
        let length = Int(try reader.readUInt16("rdlength"))
        try reader.skip(length, "rdata")
    }

    /// Checks that OPT RDATA is a well-formed sequence of options and finds the COOKIE option among them (the
    /// content of the others is ignored).
    private static func validateOptions(_ message: UnsafeRawBufferPointer, from start: Int, length: Int)
        throws(WireError) -> CookieRequest? {
        var index = start
        let end = start + length
        var cookie: CookieRequest?
        while index < end {
            guard index + 4 <= end else { throw WireError(.badOPT, field: "OPT option", offset: index) }
            let code = UInt16(message[index]) << 8 | UInt16(message[index + 1])
            let optionLength = Int(message[index + 2]) << 8 | Int(message[index + 3])
            let data = index + 4
            index = data + optionLength
            guard index <= end else { throw WireError(.badOPT, field: "OPT option", offset: index) }
            if code == CookieOption.code {
                cookie = cookie == nil ? Self.cookie(message, at: data, length: optionLength) : .malformed
            }
        }
        return cookie
    }

    /// Reads a COOKIE option's data (RFC 7873 section 5.2.2: 8 octets, or 16 to 40).
    private static func cookie(_ message: UnsafeRawBufferPointer, at offset: Int, length: Int) -> CookieRequest {
        guard length == 8 || (16 ... 40).contains(length) else { return .malformed }
        var client: UInt64 = 0
        for index in offset ..< offset + 8 { client = client << 8 | UInt64(message[index]) }
        return length == 8 ? .client(client) : .clientAndServer(client, serverOffset: offset + 8, serverLength: length - 8)
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
