import DNSWire

/// Decides whether received bytes are the response to our query: same ID, QR set, and the same question
/// (name compared case-insensitively, type and class). Anything else is ignored by the caller.
enum ResponseMatcher {
    /// What the bytes turned out to be.
    enum Verdict {
        /// The response to our query.
        case match(Message)
        /// Not ours (wrong ID, not a response, other question): ignore it and keep reading.
        case foreign
        /// Our ID, but the message cannot be decoded.
        case malformed(String)
    }

    /// Checks `bytes` against the query's ID and question.
    static func check(_ bytes: [UInt8], id: UInt16, question: Question) -> Verdict {
        guard bytes.count >= Header.size else { return .foreign }
        let header = bytes.withUnsafeBytes { Header($0) }
        guard let header, header.id == id, header.isResponse else { return .foreign }
        let message: Message
        do {
            message = try Message(parsing: bytes)
        } catch {
            return .malformed("\(error)")
        }
        guard message.questions.count == 1, let asked = message.questions.first,
              asked.name.lowercased() == question.name.lowercased(),
              asked.type == question.type, asked.rclass == question.rclass
        else { return .foreign }
        return .match(message)
    }

    /// The wire form of a query with EDNS (payload 1232) and the given RD bit.
    /// The query; with `clientCookie`, a COOKIE option (RFC 7873) carrying it.
    static func query(id: UInt16, question: Question, recursionDesired: Bool, clientCookie: UInt64? = nil) -> [UInt8] {
        var header = Header(id: id)
        header.opcode = .query
        header.recursionDesired = recursionDesired
        var edns = EDNS(udpPayloadSize: 1232)
        if let clientCookie {
            edns.options.append(EDNS.Option(code: CookieOption.code,
                                            data: (0 ..< 8).map { UInt8(truncatingIfNeeded: clientCookie >> (56 - 8 * $0)) }))
        }
        return Message(header: header, questions: [question], edns: edns).encoded()
    }
}
