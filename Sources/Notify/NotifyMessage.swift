import DNSWire

/// The NOTIFY of RFC 1996 as a primary sends it, and the test that a response answers it.
enum NotifyMessage {
    /// A NOTIFY for `origin`: opcode NOTIFY (4), AA set, the question `origin SOA IN` and, as section 3.7
    /// allows, the zone's current SOA in the answer section so the secondary can skip its SOA query.
    static func encode(id: UInt16, origin: Name, soa: Record) -> [UInt8] {
        var header = Header(id: id)
        header.opcode = .notify
        header.isAuthoritative = true
        return Message(header: header, questions: [Question(name: origin, type: .soa, rclass: .in)],
                       answers: [soa]).encoded()
    }

    /// The response header's ID when `bytes` start with a DNS response header, else nil.
    static func responseID(_ bytes: [UInt8]) -> UInt16? {
        let header = bytes.withUnsafeBytes { Header($0) }
        guard let header, header.isResponse else { return nil }
        return header.id
    }

    /// The RCODE of `bytes` when they are a response to our NOTIFY for `origin` with this `id`: QR set, the same
    /// ID, and the question `origin SOA IN` (the name compared case-insensitively). Any RCODE counts as an
    /// answer (RFC 1996 section 4.7: only a response ends the retries). Nil for anything else.
    static func answer(_ bytes: [UInt8], id: UInt16, origin: Name) -> Rcode? {
        guard responseID(bytes) == id, let message = try? Message(parsing: bytes),
              message.questions.count == 1, let question = message.questions.first,
              question.type == .soa, question.rclass == .in,
              question.name.lowercased() == origin.lowercased()
        else { return nil }
        return message.rcode
    }
}
