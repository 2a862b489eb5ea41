import AuthEngine
import DNSWire
import Testing
import ZoneFile

/// Builds a store from `(origin, master-file text)` pairs.
func makeStore(_ zones: [(String, String)]) throws -> ZoneStore {
    var set = ZoneSet()
    for (origin, text) in zones {
        let name = try Name(origin)
        let parsed = try ZoneFileParser.parse(text: text, origin: name, file: "\(origin)zone", includeRoot: nil).get()
        set = set.inserting(try Zone(origin: parsed.origin, records: parsed.records))
    }
    return ZoneStore(set)
}

/// A query message as a client would send it.
func queryBytes(_ name: String, _ type: RecordType, rclass: RecordClass = .in, id: UInt16 = 0x1234,
                flags: UInt16 = Header.rdBit, edns: EDNS? = nil) throws -> [UInt8] {
    var header = Header(id: id, flags: flags)
    header.questionCount = 1
    return Message(header: header, questions: [Question(name: try Name(name), type: type, rclass: rclass)],
                   edns: edns).encoded()
}

/// Sends raw bytes to the responder; nil when it drops the message.
func respond(_ store: ZoneStore, _ bytes: [UInt8], over transport: Transport = .udp) throws -> Message? {
    let responder = Responder(store: store)
    var writer = MessageWriter(limit: 65535)
    var reader = responder.makeReader()
    let answered = bytes.withUnsafeBytes {
        responder.respond(to: $0, over: transport, into: &writer, reader: &reader)
    }
    guard answered else { return nil }
    return try Message(parsing: writer.bytes)
}

/// Asks one question and returns the parsed response.
func ask(_ store: ZoneStore, _ name: String, _ type: RecordType, rclass: RecordClass = .in,
         edns: EDNS? = nil, over transport: Transport = .udp) throws -> Message {
    let bytes = try queryBytes(name, type, rclass: rclass, edns: edns)
    return try #require(try respond(store, bytes, over: transport))
}

/// The presentation form of a section, one record per line, for readable expectations.
func lines(_ records: [Record]) -> [String] { records.map(\.description) }

let exampleZone = """
$ORIGIN example.com.
$TTL 3600
@        SOA  ns1 hostmaster 2026010101 7200 900 1209600 300
@        NS   ns1
@        NS   ns2.example.net.
@        MX   10 mail
@        TXT  "v=spf1 mx ~all"
ns1      A    192.0.2.1
mail     A    192.0.2.25
mail     AAAA 2001:db8::25
www      CNAME web
web      A    192.0.2.80
ext      CNAME www.example.org.
loop1    CNAME loop2
loop2    CNAME loop1
dangling CNAME missing
*.wild   TXT  "wildcard"
*.wild   MX   5 mail
sub.wild A    192.0.2.7
deep.ent.example.com. A 192.0.2.9
child    NS   ns.child
ns.child A    192.0.2.53
"""

let childZone = """
$ORIGIN child.example.com.
$TTL 600
@   SOA ns.child.example.com. hostmaster.example.com. 7 3600 600 86400 60
@   NS  ns
ns  A   192.0.2.53
www A   192.0.2.54
"""

extension QueryPipeline {
    /// `respond` for tests of single-message answers (no peer, no continuation).
    func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                 into writer: inout MessageWriter, state: inout ThreadState) -> Bool {
        var continuation: (any MessageStream)?
        return respond(to: query, over: transport, client: client, peer: nil, into: &writer, state: &state,
                       continuation: &continuation)
    }
}
