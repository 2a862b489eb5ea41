@testable import DNSWire
import Testing

@Suite("RFC 4343 case folding: finding an upper-case octet eight at a time")
struct ASCIICaseTests {
    /// Every octet value, at every position of buffers of 1 to 20 octets whose other octets are each of the
    /// values around the A-Z range: found exactly when the octet scan finds one.
    @Test func findsWhatTheOctetScanFinds() {
        let fillers: [UInt8] = [0x00, 0x40, 0x5B, 0x60, 0x61, 0x7A, 0x7F, 0x80, 0xC1, 0xDA, 0xFF]
        var wrong: [[UInt8]] = []
        for length in 1 ... 20 {
            for filler in fillers {
                var octets = [UInt8](repeating: filler, count: length)
                for position in 0 ..< length {
                    for value in 0 ... 255 {
                        octets[position] = UInt8(value)
                        if octets.withUnsafeBytes(ASCIICase.containsUpper) != octets.contains(where: ASCIICase.isUpper) {
                            wrong.append(octets)
                        }
                    }
                    octets[position] = filler
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test func lowercasedNames() throws {
        let mixed = try Name("Mail.EXAMPLE.com.")
        #expect(mixed.lowercased().wire == (try Name("mail.example.com.")).wire)
        let lower = try Name("a-long-label-of-lower-case.example.")
        #expect(lower.lowercased().wire == lower.wire)
        // Octets past 0x7F are not letters: left as they are.
        let raw = Name(uncheckedWire: [3, 0xC1, 0xDA, 0x41, 0])
        #expect(raw.lowercased().wire == [3, 0xC1, 0xDA, 0x61, 0])
    }
}
