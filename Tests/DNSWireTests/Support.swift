import DNSWire
import Testing

/// Bytes from hex text; whitespace and `|` separators are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    precondition(digits.count % 2 == 0, "odd hex digit count")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0 ... $0 + 1]), radix: 16)! }
}

/// Hex text of bytes, for readable failure messages.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A name from presentation text known to be valid.
func name(_ text: String) -> Name {
    do { return try Name(text) } catch { fatalError("bad test name \(text): \(error)") }
}

/// The wire form of labels given as text (no escapes), ending with the root octet.
func wire(_ labels: String...) -> [UInt8] {
    var bytes: [UInt8] = []
    for label in labels {
        bytes.append(UInt8(label.utf8.count))
        bytes.append(contentsOf: label.utf8)
    }
    return bytes + [0]
}

/// Runs `WireReader.readName` on `bytes` at `offset`; returns the name and the offset just past it.
func readName(_ bytes: [UInt8], at offset: Int) throws(WireError) -> (Name, Int) {
    let result: Result<(Name, Int), WireError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(WireError) in
            var reader = WireReader(buffer, offset: offset)
            let name = try reader.readName("test")
            return (name, reader.offset)
        }
    }
    return try result.get()
}

/// Runs the hot-path `Query` parser over `bytes`.
func parseQuery(_ bytes: [UInt8]) throws(WireError) -> Query {
    let result: Result<Query, WireError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(WireError) in try Query(parsing: buffer) }
    }
    return try result.get()
}

/// Expects `body` to throw a `WireError` of `kind`.
func expectWireError(_ kind: WireError.Kind, _ comment: Comment? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected WireError.\(kind), nothing was thrown \(comment.map { "(\($0))" } ?? "")",
                     sourceLocation: sourceLocation)
    } catch let error as WireError {
        #expect(error.kind == kind, "\(error) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected WireError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}

/// A 12-octet header with the given counts.
func header(id: UInt16 = 0x1234, flags: UInt16 = 0x0100, qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0,
            ar: UInt16 = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    Header(id: id, flags: flags, questionCount: qd, answerCount: an, authorityCount: ns, additionalCount: ar)
        .write(to: &bytes)
    return bytes
}

/// A question for `example.com. <type> IN` in wire form.
func questionWire(_ labels: [String] = ["example", "com"], type: UInt16 = 1, rclass: UInt16 = 1) -> [UInt8] {
    var bytes: [UInt8] = []
    for label in labels {
        bytes.append(UInt8(label.utf8.count))
        bytes.append(contentsOf: label.utf8)
    }
    return bytes + [0, UInt8(type >> 8), UInt8(type & 0xFF), UInt8(rclass >> 8), UInt8(rclass & 0xFF)]
}

/// An OPT pseudo-record: root owner (or `owner`), payload size, TTL and RDATA.
func optWire(owner: [UInt8] = [0], payload: UInt16 = 1232, ttl: UInt32 = 0, rdata: [UInt8] = []) -> [UInt8] {
    owner + [0, 41, UInt8(payload >> 8), UInt8(payload & 0xFF),
             UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF),
             UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
}

/// A resource record in wire form with an explicit RDLENGTH (which may disagree with `rdata` on purpose).
func recordWire(owner: [UInt8] = [0xC0, 0x0C], type: UInt16, rclass: UInt16 = 1, ttl: UInt32 = 3600,
                rdlength: Int? = nil, rdata: [UInt8]) -> [UInt8] {
    let length = rdlength ?? rdata.count
    return owner + [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(rclass >> 8), UInt8(rclass & 0xFF),
                    UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF),
                    UInt8(length >> 8), UInt8(length & 0xFF)] + rdata
}

/// A small deterministic generator (SplitMix64) so fuzz-style tests replay the same inputs every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
