import DNSWire
import Testing
@testable import ZoneFile

/// Broken master files: each error says `file:line: message`, and every error of a file is reported.
/// `Support.header` fills lines 1-4, so the broken lines start at line 5.
@Suite("Master file errors")
struct BrokenZoneTests {
    private func expectOnly(_ broken: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let errors = Support.parseErrors(Support.header + broken)
        #expect(errors == [expected], sourceLocation: sourceLocation)
    }

    @Test func badTTL() {
        expectOnly("www 1x A 192.0.2.1", "bad.zone:5: bad TTL '1x'")
        expectOnly("www 1h30 A 192.0.2.1", "bad.zone:5: bad TTL '1h30': a number without a unit")
        expectOnly("www 1h1h A 192.0.2.1", "bad.zone:5: bad TTL '1h1h'")
        expectOnly("www 4294967296 A 192.0.2.1", "bad.zone:5: TTL '4294967296' is too large")
        expectOnly("$TTL 3000000000", "bad.zone:5: TTL '3000000000' is above the maximum 2147483647")
    }

    @Test func unknownTypeAndClass() {
        expectOnly("www IN FOO 1", "bad.zone:5: unknown record type 'FOO'")
        expectOnly("www CH A 192.0.2.1", "bad.zone:5: class CH is not supported (only IN)")
        expectOnly("www 300 IN", "bad.zone:5: missing record type")
        expectOnly("www DNSKEY 257 3 8 AwEAAQ==",
                   "bad.zone:5: type DNSKEY is only supported in the generic form '\\# length hex' (RFC 3597)")
        expectOnly("www AXFR 192.0.2.1", "bad.zone:5: type AXFR cannot appear in a zone")
    }

    @Test func badAddresses() {
        expectOnly("www A 192.0.2.256", "bad.zone:5: bad IPv4 address '192.0.2.256'")
        expectOnly("www A 192.0.2", "bad.zone:5: bad IPv4 address '192.0.2'")
        expectOnly("www A 192.0.2.01", "bad.zone:5: bad IPv4 address '192.0.2.01'")
        expectOnly("www AAAA 2001:db8:::1", "bad.zone:5: bad IPv6 address '2001:db8:::1'")
        expectOnly("www AAAA 1:2:3:4:5:6:7:8:9", "bad.zone:5: bad IPv6 address '1:2:3:4:5:6:7:8:9'")
        expectOnly("www AAAA 1::2::3", "bad.zone:5: bad IPv6 address '1::2::3'")
        expectOnly("www AAAA 12345::", "bad.zone:5: bad IPv6 address '12345::'")
    }

    @Test func badFields() {
        expectOnly("www MX 70000 mail", "bad.zone:5: bad MX preference '70000': expected a number from 0 to 65535")
        expectOnly("www MX 10", "bad.zone:5: MX is missing its exchange")
        expectOnly("www A 192.0.2.1 192.0.2.2", "bad.zone:5: A has an extra field '192.0.2.2'")
        expectOnly("www TYPE1 \\# 4 0A0000", "bad.zone:5: generic RDATA length 4 does not match the 3 octets given")
        expectOnly("www CAA 0 \"is sue\" \"x\"", "bad.zone:5: bad CAA tag 'is sue': expected letters and digits")
        expectOnly("www..example.com. A 192.0.2.1", "bad.zone:5: bad name 'www..example.com.' (empty label or label over 63 octets)")
    }

    @Test func unterminatedQuoteThenGoesOn() {
        let errors = Support.parseErrors(Support.header + "www TXT \"abc\nok A 192.0.2.300\n")
        #expect(errors == ["bad.zone:5: unterminated quoted string", "bad.zone:6: bad IPv4 address '192.0.2.300'"])
    }

    @Test func errorInsideParenthesesSkipsTheWholeEntry() {
        let text = Support.header + """
            dk TXT ( "v=DKIM1; k=rsa;
                "p=abc"
                "def" )
            after A 192.0.2.300
            """
        #expect(Support.parseErrors(text) == ["bad.zone:5: unterminated quoted string",
                                              "bad.zone:8: bad IPv4 address '192.0.2.300'"])
    }

    @Test func unbalancedParentheses() {
        expectOnly("www A ( 192.0.2.1\nmail A 192.0.2.2", "bad.zone:5: unbalanced parentheses: '(' is never closed")
        expectOnly("www A 192.0.2.1 )", "bad.zone:5: unbalanced parentheses: ')' without '('")
    }

    @Test func stringLongerThan255() {
        let long = String(repeating: "x", count: 256)
        expectOnly("www TXT \"ok\" \"\(long)\"", "bad.zone:5: string of 256 octets is longer than 255")
        let escaped = String(repeating: "\\120", count: 255) + "y"
        expectOnly("www TXT \"\(escaped)\"", "bad.zone:5: string of 256 octets is longer than 255")
    }

    @Test func missingSOAAndNS() {
        let errors = Support.parseErrors("$TTL 300\nwww A 192.0.2.1\n")
        #expect(errors == ["bad.zone:0: no SOA record at the zone apex example.com.",
                           "bad.zone:0: no NS records at the zone apex example.com."])
    }

    @Test func secondSOAAndMisplacedSOA() {
        expectOnly("@ SOA ns2 hostmaster 2 7200 900 1209600 300", "bad.zone:5: more than one SOA record at the zone apex")
        expectOnly("sub SOA ns2 hostmaster 2 7200 900 1209600 300",
                   "bad.zone:5: SOA record at sub.example.com. is not at the zone apex example.com.")
    }

    @Test func cnameRules() {
        expectOnly("www CNAME ns1\nwww A 192.0.2.7", "bad.zone:5: CNAME and other data at www.example.com.")
        expectOnly("www CNAME ns1\nwww CNAME ns2", "bad.zone:6: more than one CNAME at www.example.com.")
        expectOnly("@ CNAME ns1", "bad.zone:5: CNAME at the zone apex example.com.")
    }

    @Test func outOfZoneData() {
        expectOnly("other.org. A 192.0.2.1", "bad.zone:5: other.org. is outside the zone example.com.")
        expectOnly("$ORIGIN com.\nwww A 192.0.2.1", "bad.zone:6: www.com. is outside the zone example.com.")
    }

    @Test func missingTTL() {
        let errors = Support.parseErrors("www A 192.0.2.1\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n NS ns1\n")
        #expect(errors == ["bad.zone:1: no TTL given, and no $TTL, earlier TTL or SOA before this record"])
    }

    @Test func includeWithoutFolder() {
        expectOnly("$INCLUDE other.inc", "bad.zone:5: $INCLUDE is not allowed here (no include folder)")
    }

    @Test func directives() {
        expectOnly("$GENERATE 1-10 host$ A 192.0.2.$", "bad.zone:5: unknown directive $GENERATE")
        expectOnly("$ORIGIN", "bad.zone:5: $ORIGIN needs one name")
        let errors = Support.parseErrors("  A 192.0.2.1\n" + Support.header)
        #expect(errors == ["bad.zone:1: no owner: the first record starts with a blank"])
    }

    @Test func severalErrorsAllReported() {
        let text = Support.header + """
            a 1y A 192.0.2.1
            b A 300.0.0.1
            c AAAA ::g
            d FOO bar
            ok A 192.0.2.2
            e TXT ( "x"
               "\(String(repeating: "z", count: 300))" )
            f MX 10
            """
        let errors = Support.parseErrors(text)
        #expect(errors == [
            "bad.zone:5: bad TTL '1y'",
            "bad.zone:6: bad IPv4 address '300.0.0.1'",
            "bad.zone:7: bad IPv6 address '::g'",
            "bad.zone:8: unknown record type 'FOO'",
            "bad.zone:11: string of 300 octets is longer than 255",
            "bad.zone:12: MX is missing its exchange",
        ])
    }

    /// Nothing a file can contain may crash the parser.
    @Test func hostileInputDoesNotCrash() {
        let inputs = ["\\", "\"", "(", ")", "$", "$INCLUDE", "@", " ", "\t\\", "a \\# 1", "a TYPE1 \\# 65536 00",
                      "a A \\# -1", "a TXT \"\\", "a TXT \\999", String(repeating: "a.", count: 200) + " A 1.2.3.4",
                      "a CAA 0 issue", "\u{0}\u{1}\u{FF}", "a TYPE65535 \\# 1 0", "a SOA a b 1 2 3 4"]
        for input in inputs {
            _ = ZoneFileParser.parse(text: Support.header + input, origin: Support.name("example.com."),
                                     file: "x", includeRoot: nil)
        }
    }
}
