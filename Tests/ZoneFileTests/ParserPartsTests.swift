import Testing
@testable import ZoneFile

@Suite("TTL and address parsing")
struct ParserPartsTests {
    @Test(arguments: [("0", 0), ("3600", 3600), ("1h", 3600), ("1H", 3600), ("2d", 172_800), ("1w2d3h", 788_400),
                      ("1W2D3H4M5S", 788_645), ("90s", 90), ("2147483647", 2_147_483_647)])
    func ttlValues(text: String, seconds: UInt32) throws {
        #expect(try TTLParser.parse(Array(text.utf8)).get() == seconds)
    }

    @Test(arguments: ["", "h", "1x", "1h2", "1hh", "1h1h", "-1", "1.5h", "99999999999", "2147483648"])
    func badTTLs(text: String) {
        #expect(throws: FieldError.self) { try TTLParser.parse(Array(text.utf8)).get() }
    }

    @Test func ipv4() {
        #expect(IPAddressParser.ipv4(Array("0.0.0.0".utf8)) == [0, 0, 0, 0])
        #expect(IPAddressParser.ipv4(Array("255.255.255.255".utf8)) == [255, 255, 255, 255])
        for bad in ["", "1.2.3", "1.2.3.4.5", "1..2.3", "256.1.1.1", "01.1.1.1", "1.2.3.4.", "a.b.c.d", " 1.2.3.4"] {
            #expect(IPAddressParser.ipv4(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func ipv6() {
        #expect(IPAddressParser.ipv6(Array("1:2:3:4:5:6:7::".utf8)) == [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0])
        #expect(IPAddressParser.ipv6(Array("::1.2.3.4".utf8)) == Array(repeating: 0, count: 12) + [1, 2, 3, 4])
        for bad in ["", ":", ":::", "1:", ":1", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1.2.3",
                    "1.2.3.4", "::1.2.3.4:5", "12345::", "g::", "1:2:3:4:5:6:7:1.2.3.4"] {
            #expect(IPAddressParser.ipv6(Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
