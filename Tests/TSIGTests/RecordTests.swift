import DNSWire
import TSIG
import Testing

@Suite("The TSIG record (RFC 8945 section 4.2): reading, writing, finding it in a message")
struct RecordTests {
    let sample = TSIGRecord(keyName: name("k.example."), algorithmName: TSIGAlgorithm.hmacSHA256.name,
                            timeSigned: 0x0001_2345_6789, fudge: 300, mac: Array(repeating: 0xAB, count: 32),
                            originalID: 0xBEEF, error: .badTime, otherData: [0, 0, 0x65, 0x43, 0x21, 0])

    /// A query with `record` appended as the last additional record.
    func signedBytes(_ record: TSIGRecord) -> [UInt8] {
        var bytes = queryMessage()
        bytes[11] += 1
        record.write(to: &bytes)
        return bytes
    }

    @Test("written and read back the same, at the size it announces")
    func roundTrip() throws {
        let bytes = signedBytes(sample)
        let start = queryMessage().count
        #expect(bytes.count - start == sample.wireSize)
        let read = try bytes.withUnsafeBytes { try TSIGRecord(parsing: $0, at: start) }
        #expect(read == sample)
        #expect(try bytes.withUnsafeBytes { try TSIGRecord.locate(in: $0) } == start)
        #expect(try queryMessage().withUnsafeBytes { try TSIGRecord.locate(in: $0) } == nil)
        // The full decoder sees the same record as opaque data of type 250, class ANY, TTL 0.
        let message = try Message(parsing: bytes)
        #expect(message.additional.first?.type == .tsig)
        #expect(message.additional.first?.rclass == .any)
    }

    @Test("every truncation of the record throws")
    func truncated() {
        let bytes = signedBytes(sample)
        let start = queryMessage().count
        for length in start ..< bytes.count {
            let cut = Array(bytes.prefix(length))
            #expect(throws: WireError.self, "cut at \(length)") {
                try cut.withUnsafeBytes { _ = try TSIGRecord(parsing: $0, at: start) }
            }
        }
    }

    @Test("wrong class, TTL, RDLENGTH, field lengths or trailing octets throw")
    func malformed() {
        let start = queryMessage().count
        let ownerEnd = start + sample.keyName.wire.count
        var cases: [(String, [UInt8])] = []
        var bytes = signedBytes(sample)
        bytes[ownerEnd + 3] = 1
        cases.append(("class IN", bytes))
        bytes = signedBytes(sample)
        bytes[ownerEnd + 7] = 1
        cases.append(("TTL 1", bytes))
        bytes = signedBytes(sample)
        bytes[ownerEnd + 9] -= 1
        cases.append(("RDLENGTH one short", bytes))
        cases.append(("an octet after the record", signedBytes(sample) + [0]))
        var longMAC = sample
        longMAC.mac = []
        bytes = signedBytes(longMAC)
        let macSize = ownerEnd + 10 + sample.algorithmName.wire.count + 8
        bytes[macSize + 1] = 3
        cases.append(("MAC size past the end", bytes))
        for (label, bytes) in cases {
            #expect(throws: WireError.self, "\(label)") {
                try bytes.withUnsafeBytes { _ = try TSIGRecord(parsing: $0, at: start) }
            }
        }
    }

    @Test("a TSIG record that is not the last additional record is misplaced (RFC 8945 section 5.1)")
    func misplaced() {
        // TSIG then OPT.
        var bytes = signedBytes(sample)
        bytes[11] += 1
        bytes += [0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0]
        #expect(throws: WireError(.misplacedTSIG, field: "TSIG", offset: queryMessage().count)) {
            try bytes.withUnsafeBytes { _ = try TSIGRecord.locate(in: $0) }
        }
        // TSIG as the only answer record.
        bytes = signedBytes(sample)
        bytes[7] = 1
        bytes[11] = 0
        #expect(throws: WireError(.misplacedTSIG, field: "TSIG", offset: queryMessage().count)) {
            try bytes.withUnsafeBytes { _ = try TSIGRecord.locate(in: $0) }
        }
    }
}
