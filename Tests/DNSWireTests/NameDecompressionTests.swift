import DNSWire
import Testing

@Suite("RFC 1035 4.1.4 message compression: reading names")
struct NameDecompressionTests {
    /// The RFC 1035 4.1.4 example laid out after a zeroed header:
    /// F.ISI.ARPA at 12, FOO.F.ISI.ARPA at 24 (FOO + pointer to 12), ARPA at 30 (pointer to 18), root at 32.
    static let rfcExample: [UInt8] = [UInt8](repeating: 0, count: 12)
        + wire("F", "ISI", "ARPA")
        + [3] + Array("FOO".utf8) + [0xC0, 12]
        + [0xC0, 18]
        + [0]

    @Test("pointers are followed and the reader ends after the first pointer", arguments: [
        (12, "F.ISI.ARPA.", 24),
        (24, "FOO.F.ISI.ARPA.", 30),
        (30, "ARPA.", 32),
        (32, ".", 33),
    ])
    func rfcExample(offset: Int, expected: String, end: Int) throws {
        let (decoded, next) = try readName(Self.rfcExample, at: offset)
        #expect(decoded == name(expected))
        #expect(next == end)
    }

    @Test("case is preserved when decoding")
    func casePreserved() throws {
        let bytes = [UInt8](repeating: 0, count: 12) + wire("ExAmPle", "COM") + [3] + Array("wWw".utf8) + [0xC0, 12]
        #expect(try readName(bytes, at: 25).0.description == "wWw.ExAmPle.COM.")
    }

    @Test("forward pointer rejected")
    func forwardPointer() {
        let bytes = [UInt8](repeating: 0, count: 12) + [0xC0, 14, 0]
        expectWireError(.badPointer) { _ = try readName(bytes, at: 12) }
    }

    @Test("self pointer rejected")
    func selfPointer() {
        let bytes = [UInt8](repeating: 0, count: 12) + [0xC0, 12]
        expectWireError(.badPointer) { _ = try readName(bytes, at: 12) }
        // A pointer back into the same name's own labels is a loop too.
        let own = [UInt8](repeating: 0, count: 12) + [1, 97, 0xC0, 12]
        expectWireError(.badPointer) { _ = try readName(own, at: 12) }
    }

    @Test("pointer loops rejected")
    func loops() {
        // 12 -> 14 -> 12
        let twoCycle = [UInt8](repeating: 0, count: 12) + [0xC0, 14, 0xC0, 12]
        expectWireError(.badPointer) { _ = try readName(twoCycle, at: 14) }
        expectWireError(.badPointer) { _ = try readName(twoCycle, at: 12) }
        // label, pointer back to an earlier label that leads forward again
        let viaLabels = [UInt8](repeating: 0, count: 12) + [1, 97, 0xC0, 16, 1, 98, 0xC0, 12]
        expectWireError(.badPointer) { _ = try readName(viaLabels, at: 16) }
    }

    /// A root octet at 12 followed by `count` pointers, each to the one before it.
    static func pointerChain(_ count: Int) -> [UInt8] {
        var bytes = Array(repeating: UInt8(0), count: 12) + [0]
        for index in 0 ..< count { bytes += [0xC0, UInt8(index == 0 ? 12 : 13 + 2 * (index - 1))] }
        return bytes
    }

    @Test("pointer hop limit")
    func hopLimit() throws {
        let limit = Name.maxPointerHops
        let ok = Self.pointerChain(limit)
        let (decoded, end) = try readName(ok, at: ok.count - 2)
        #expect(decoded == .root)
        #expect(end == ok.count)
        let tooMany = Self.pointerChain(limit + 1)
        expectWireError(.badPointer) { _ = try readName(tooMany, at: tooMany.count - 2) }
    }

    @Test("truncated names", arguments: [
        [5, 97, 98],          // label runs past the end
        [1, 97],              // no terminating root octet
        [0xC0],               // half a pointer
        [],                   // nothing at all
        [2, 97, 98, 0xC0],    // labels then half a pointer
    ] as [[UInt8]])
    func truncated(tail: [UInt8]) {
        let bytes = [UInt8](repeating: 0, count: 12) + tail
        expectWireError(.truncated) { _ = try readName(bytes, at: 12) }
    }

    @Test("reserved label types 01 and 10 rejected", arguments: [0x40, 0x41, 0x80, 0xBF] as [UInt8])
    func reservedLabelTypes(first: UInt8) {
        let bytes = [UInt8](repeating: 0, count: 12) + [first, 0, 0, 0]
        expectWireError(.badLabel) { _ = try readName(bytes, at: 12) }
        let afterLabel = [UInt8](repeating: 0, count: 12) + [1, 97, first, 0, 0]
        expectWireError(.badLabel) { _ = try readName(afterLabel, at: 12) }
    }

    /// 12 zero octets, then a 193-octet name of three 63-octet labels at 12, then `prefix` octets of label
    /// and a pointer to 12.
    static func longViaPointer(labelLength: Int) -> [UInt8] {
        let label63 = [UInt8(63)] + Array(repeating: UInt8(97), count: 63)
        return [UInt8](repeating: 0, count: 12) + label63 + label63 + label63 + [0]
            + [UInt8(labelLength)] + Array(repeating: 98, count: labelLength) + [0xC0, 12]
    }

    @Test("names longer than 255 octets via pointers rejected; exactly 255 accepted")
    func tooLongViaPointers() throws {
        let exact = Self.longViaPointer(labelLength: 61)
        let (decoded, end) = try readName(exact, at: 12 + 193)
        #expect(decoded.wire.count == 255)
        #expect(end == exact.count)
        let over = Self.longViaPointer(labelLength: 62)
        expectWireError(.nameTooLong) { _ = try readName(over, at: 12 + 193) }
    }

    @Test("names longer than 255 octets without pointers rejected")
    func tooLongInline() {
        let label63 = [UInt8(63)] + Array(repeating: UInt8(97), count: 63)
        let bytes = label63 + label63 + label63 + [62] + Array(repeating: 98, count: 62) + [0]
        #expect(bytes.count == 256)
        expectWireError(.nameTooLong) { _ = try readName(bytes, at: 0) }
    }

    /// A name without pointers is copied in one piece; reached through a pointer, the same octets are read label by
    /// label. Over random label runs (long labels, names past 255 octets, runs cut short by the message's end,
    /// label types 0x40 and 0x80) both ways must give the same name, or fail the same way.
    @Test func namesWithoutPointersReadAsThroughAPointer() {
        var generator = SystemRandomNumberGenerator()
        var differences: [String] = []
        for _ in 0 ..< 3_000 {
            var octets: [UInt8] = []
            for _ in 0 ..< Int.random(in: 0 ... 12, using: &generator) {
                let length = [1, 3, 20, 63, 63, 64, 0x41, 0x85].randomElement(using: &generator)!
                octets.append(UInt8(length))
                octets += (0 ..< min(length, 63)).map { _ in UInt8.random(in: 0x61 ... 0x7A, using: &generator) }
            }
            if Bool.random(using: &generator) { octets.append(0) }
            if Bool.random(using: &generator) { octets.removeLast(min(octets.count, Int.random(in: 0 ... 3))) }
            // The octets at 2, after two spare octets, and a pointer to them right after: both reads go over the
            // same octets from 2 with the same pointer limit (a run not ended by a zero reaches the pointer, which
            // may not point at 2 from either).
            let message = [0, 0] + octets + [0xC0, 2]
            let direct = outcome(message, at: 2)
            let throughPointer = outcome(message, at: 2 + octets.count)
            if direct != throughPointer { differences.append("\(octets): \(direct) vs \(throughPointer)") }
        }
        #expect(differences.isEmpty, "\(differences.prefix(3))")
    }

    private func outcome(_ message: [UInt8], at offset: Int) -> String {
        do {
            return "name \(try readName(message, at: offset).0.wire)"
        } catch {
            return "error \(error.kind)"
        }
    }
}
