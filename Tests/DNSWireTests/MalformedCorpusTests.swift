import DNSWire
import Testing

/// A named malformed packet.
struct Malformed: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: [UInt8]
    var testDescription: String { label }
    init(_ label: String, _ bytes: [UInt8]) {
        self.label = label
        self.bytes = bytes
    }
}

/// Parses with both parsers; returns whether each succeeded. Any error must be a `WireError` (the parsers'
/// typed throws guarantee it); the point is that nothing traps.
func parseBoth(_ bytes: [UInt8]) -> (message: Message?, query: Query?) {
    (try? Message(parsing: bytes), try? parseQuery(bytes))
}

@Suite("Malformed input never traps (habit 1): corpus, every prefix, seeded byte flips")
struct MalformedCorpusTests {
    static let q = questionWire()

    static let corpus: [Malformed] = [
        Malformed("empty", []),
        Malformed("one octet", [0x12]),
        Malformed("eleven octets", Array(header().prefix(11))),
        Malformed("header only, QDCOUNT 1", header()),
        Malformed("QDCOUNT 65535, no data", header(qd: 0xFFFF)),
        Malformed("all counts 65535, one question", header(qd: 0xFFFF, an: 0xFFFF, ns: 0xFFFF, ar: 0xFFFF) + q),
        Malformed("ANCOUNT 65535 after a question", header(an: 0xFFFF) + q),
        Malformed("ARCOUNT 65535 after a question", header(ar: 0xFFFF) + q),
        Malformed("NSCOUNT 1 and a bare root owner", header(ns: 1) + q + [0]),
        Malformed("qname self pointer", header() + [0xC0, 12, 0, 1, 0, 1]),
        Malformed("qname forward pointer", header() + [0xC0, 14, 0, 0, 1, 0, 1]),
        Malformed("qname pointer into the header at a 0x40 octet", header(id: 0x4000) + [0xC0, 0, 0, 1, 0, 1]),
        Malformed("qname pointer past the end", header() + [0xFF, 0xFF, 0, 1, 0, 1]),
        Malformed("qname two-pointer loop", header() + [0xC0, 14, 0xC0, 12, 0, 1, 0, 1]),
        Malformed("owner pointer loop in answer", header(an: 1) + q + [0xC0, 29] + recordWire(owner: [], type: 1, rdata: [1, 2, 3, 4])),
        Malformed("owner pointer to the next octets", header(an: 1) + q + [0xC0, 31, 0] + recordWire(owner: [], type: 1, rdata: [1, 2, 3, 4])),
        Malformed("label type 0x40", header() + [0x40, 1, 0, 1, 0, 1]),
        Malformed("label type 0x80", header() + [0x80, 1, 0, 1, 0, 1]),
        Malformed("label longer than the message", header() + [63, 97, 98]),
        Malformed("qname without root octet", header() + [3, 97, 98, 99]),
        Malformed("missing QTYPE", header() + [0]),
        Malformed("missing QCLASS", header() + [0, 0, 1]),
        Malformed("256-octet qname", header() + Array(repeating: [63] + Array(repeating: UInt8(97), count: 63), count: 4).flatMap { $0 } + [0, 0, 1, 0, 1]),
        Malformed("RR header cut short", header(an: 1) + q + [0xC0, 12, 0, 1, 0, 1, 0]),
        Malformed("RDLENGTH 65535 with 4 octets", header(an: 1) + q + recordWire(type: 1, rdlength: 0xFFFF, rdata: [1, 2, 3, 4])),
        Malformed("A RDLENGTH 0", header(an: 1) + q + recordWire(type: 1, rdata: [])),
        Malformed("NS RDATA pointer loop", header(an: 1) + q + recordWire(type: 2, rdata: [0xC0, 41])),
        Malformed("MX RDATA forward pointer", header(an: 1) + q + recordWire(type: 15, rdata: [0, 1, 0xC0, 50])),
        Malformed("SOA RDATA of 2 octets", header(an: 1) + q + recordWire(type: 6, rdata: [0, 0])),
        Malformed("TXT length octet overruns", header(an: 1) + q + recordWire(type: 16, rdata: [200, 1, 2])),
        Malformed("CAA tag overruns", header(an: 1) + q + recordWire(type: 257, rdata: [0, 200, 1])),
        Malformed("SRV without target", header(an: 1) + q + recordWire(type: 33, rdata: [0, 0, 0, 0, 0, 53])),
        Malformed("two OPT records", header(ar: 2) + q + optWire() + optWire()),
        Malformed("OPT with owner", header(ar: 1) + q + optWire(owner: wire("x"))),
        Malformed("OPT option overruns", header(ar: 1) + q + optWire(rdata: [0, 10, 0xFF, 0xFF])),
        Malformed("OPT half option header", header(ar: 1) + q + optWire(rdata: [0, 10, 0])),
        Malformed("OPT RDLENGTH past end", header(ar: 1) + q + Array(optWire(rdata: [0, 10, 0, 0]).dropLast(3))),
        Malformed("OPT in answer section", header(an: 1) + q + optWire()),
        Malformed("trailing octet after the last record", header() + q + [0]),
    ]

    @Test("corpus packets throw from Message(parsing:) and never trap Query(parsing:)", arguments: corpus)
    func corpusEntry(entry: Malformed) {
        #expect(throws: WireError.self) { _ = try Message(parsing: entry.bytes) }
        _ = try? parseQuery(entry.bytes)
    }

    @Test("the corpus is big enough")
    func corpusSize() { #expect(Self.corpus.count >= 30) }

    @Test("every strict prefix of a golden packet throws from both parsers", arguments: Golden.all)
    func prefixes(packet: [UInt8]) throws {
        _ = try Message(parsing: packet)
        for length in 0 ..< packet.count {
            let prefix = Array(packet.prefix(length))
            #expect(throws: WireError.self, "Message, prefix \(length)") { _ = try Message(parsing: prefix) }
            #expect(throws: WireError.self, "Query, prefix \(length)") { _ = try parseQuery(prefix) }
        }
    }

    @Test("every prefix of a larger hand-built response throws")
    func prefixesOfBuiltResponse() throws {
        let message = Message(header: Header(id: 1, flags: 0x8400), questions: [Question(name: name("example.com."), type: .any)],
                              answers: RDataRoundTripTests.cases.map(\.record), edns: EDNS(options: [EDNS.Option(code: 10, data: [1, 2])]))
        let bytes = message.encoded()
        _ = try Message(parsing: bytes)
        for length in 0 ..< bytes.count {
            #expect(throws: WireError.self) { _ = try Message(parsing: Array(bytes.prefix(length))) }
            _ = try? parseQuery(Array(bytes.prefix(length)))
        }
    }

    /// Replays seeded random corruptions of the golden packets. What parses must re-encode into something that
    /// parses again (what we read, we can write).
    @Test("seeded byte flips never trap; what parses re-encodes", arguments: [0x0DD5EED, 0xC0FFEE] as [UInt64])
    func byteFlips(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var parsedMessages = 0, parsedQueries = 0
        for _ in 0 ..< 2500 {
            var bytes = Golden.all.randomElement(using: &random)!
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &random) {
                let index = Int.random(in: 0 ..< bytes.count, using: &random)
                switch Int.random(in: 0 ..< 4, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0 ... 255, using: &random)
                case 1: bytes[index] ^= 1 << UInt8.random(in: 0 ..< 8, using: &random)
                case 2: bytes[index] = [0x00, 0x3F, 0x40, 0x80, 0xC0, 0xFF].randomElement(using: &random)!
                default: bytes.removeSubrange(index...)
                }
                if bytes.isEmpty { break }
            }
            let (message, query) = parseBoth(bytes)
            if let message {
                parsedMessages += 1
                let reencoded = message.encoded()
                #expect(throws: Never.self, "\(hexString(bytes))") { _ = try Message(parsing: reencoded) }
            }
            if query != nil { parsedQueries += 1 }
        }
        // Flips land in TTLs, IDs and RDATA often enough that some packets still parse: the loop exercises both paths.
        #expect(parsedMessages > 0)
        #expect(parsedQueries > 0)
    }

    @Test("seeded random garbage after a valid header never traps")
    func randomGarbage() {
        var random = SplitMix64(seed: 1035)
        for _ in 0 ..< 1500 {
            let counts = (0 ..< 4).map { _ in UInt16.random(in: 0 ... 3, using: &random) }
            var bytes = header(qd: counts[0], an: counts[1], ns: counts[2], ar: counts[3])
            bytes += (0 ..< Int.random(in: 0 ... 80, using: &random)).map { _ in
                // Favour octets that are lengths, pointers and reserved label types.
                Bool.random(using: &random) ? UInt8.random(in: 0 ... 255, using: &random)
                    : [0, 1, 3, 12, 41, 0xC0, 0x40, 0x80].randomElement(using: &random)!
            }
            _ = parseBoth(bytes)
        }
    }
}
