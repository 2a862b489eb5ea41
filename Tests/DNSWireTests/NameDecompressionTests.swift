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
}
