import AuthEngine
import DNSWire
import ZoneFile

/// The master-file parser on arbitrary text (as `example.com.`), then the zone built from what it accepts, and
/// an answer to its apex SOA from that zone: nothing may trap, and an accepted zone must answer.
enum MasterFileHarness {
    private static let origin = try! Name("example.com.")

    static func run(_ input: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: input, as: UTF8.self)
        guard case .success(let parsed) = ZoneFileParser.parse(text: text, origin: origin, file: "fuzz",
                                                               includeRoot: nil),
              let zone = try? Zone(origin: parsed.origin, records: parsed.records) else { return nil }
        for record in parsed.records {
            var writer = MessageWriter(limit: 65535)
            writer.writeHeader(Header(id: 1, answerCount: 1))
            writer.writeRecord(record)
            guard (try? Message(parsing: writer.bytes)) != nil else {
                return "a record the parser accepted does not survive the wire: \(record)"
            }
        }
        let responder = Responder(store: ZoneStore(ZoneSet([zone])))
        var reader = responder.makeReader()
        var writer = MessageWriter(limit: 65535)
        var header = Header(id: 7, questionCount: 1)
        header.flags = 0
        let query = Message(header: header, questions: [Question(name: zone.origin, type: .soa, rclass: .in)]).encoded()
        let answered = query.withUnsafeBytes { responder.respond(to: $0, over: .udp, into: &writer, reader: &reader) }
        guard answered, let answer = try? Message(parsing: writer.bytes), answer.answers.count == 1 else {
            return "the apex SOA of an accepted zone is not answered"
        }
        return nil
    }
}
