import Testing
@testable import ZoneFile

@Suite("TTL parsing")
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
}
