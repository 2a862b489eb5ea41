import DNSWire
import Testing

@Suite("IP address text and HOST:PORT")
struct IPAddressTextTests {
    @Test func ipv4() {
        #expect(IPAddressText.parseIPv4(Array("0.0.0.0".utf8)) == [0, 0, 0, 0])
        #expect(IPAddressText.parseIPv4(Array("255.255.255.255".utf8)) == [255, 255, 255, 255])
        #expect(IPAddressText.parse("192.0.2.1", family: .ipv4) == [192, 0, 2, 1])
        for bad in ["", "1.2.3", "1.2.3.4.5", "1..2.3", "256.1.1.1", "01.1.1.1", "1.2.3.4.", "a.b.c.d", " 1.2.3.4"] {
            #expect(IPAddressText.parseIPv4(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func ipv6() {
        #expect(IPAddressText.parseIPv6(Array("1:2:3:4:5:6:7::".utf8)) == [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0])
        #expect(IPAddressText.parseIPv6(Array("::1.2.3.4".utf8)) == Array(repeating: 0, count: 12) + [1, 2, 3, 4])
        #expect(IPAddressText.parse("::", family: .ipv6) == Array(repeating: 0, count: 16))
        #expect(IPAddressText.parse("2001:DB8::25", family: .ipv6) == [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [0x25])
        for bad in ["", ":", ":::", "1:", ":1", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1.2.3",
                    "1.2.3.4", "::1.2.3.4:5", "12345::", "g::", "1:2:3:4:5:6:7:1.2.3.4"] {
            #expect(IPAddressText.parseIPv6(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test(arguments: ["192.0.2.1", "0.0.0.0", "::", "::1", "2001:db8::25", "2001:db8:0:1:1:1:1:1", "1::",
                      "::ffff:192.0.2.1", "::192.0.2.1", "fe80::1:0:0:1"])
    func formatsCanonically(text: String) throws {
        let family: IPAddressText.Family = text.contains(":") ? .ipv6 : .ipv4
        let octets = try #require(IPAddressText.parse(text, family: family))
        #expect(IPAddressText.format(octets) == text)
    }

    @Test func formatRejectsOddLengths() {
        #expect(IPAddressText.format([1, 2, 3]).isEmpty)
    }

    @Test(arguments: [
        ("1.2.3.4:53", nil, "1.2.3.4:53"),
        ("[::1]:53", nil, "[::1]:53"),
        ("[2001:DB8:0::1]:0", nil, "[2001:db8::1]:0"),
        ("1.2.3.4", 53, "1.2.3.4:53"),
        ("::1", 5300, "[::1]:5300"),
        ("[::1]", 53, "[::1]:53"),
        ("127.0.0.1:5353", 53, "127.0.0.1:5353"),
    ] as [(String, UInt16?, String)])
    func hostPorts(text: String, defaultPort: UInt16?, canonical: String) throws {
        let parsed = try HostPort(text, defaultPort: defaultPort)
        #expect(parsed.description == canonical)
        #expect(parsed.family == (canonical.hasPrefix("[") ? .ipv6 : .ipv4))
    }

    @Test(arguments: [
        ("1.2.3.4", nil, true, "missing port"),
        ("", nil, true, "missing port"),
        ("", 53, true, "missing address"),
        (":53", nil, true, "missing address before the port"),
        ("1.2.3.4:", nil, true, "invalid port"),
        ("1.2.3.4:65536", nil, true, "invalid port"),
        ("1.2.3.4:000053", nil, true, "invalid port"),
        ("1.2.3.4:0", 53, false, "from 1 to 65535"),
        ("::1:53", nil, true, "must be written in brackets"),
        ("[::1]53", nil, true, "missing ':PORT'"),
        ("[::1", 53, true, "missing ']'"),
        ("[1.2.3.4]:53", nil, true, "not an IPv6 address"),
        ("dns.google", 53, true, "host names are not accepted"),
        ("localhost:53", nil, true, "host names are not accepted"),
    ] as [(String, UInt16?, Bool, String)])
    func rejectsBadHostPorts(text: String, defaultPort: UInt16?, allowsPortZero: Bool, reason: String) {
        #expect {
            try HostPort(text, defaultPort: defaultPort, allowsPortZero: allowsPortZero)
        } throws: { error in
            (error as? HostPortError)?.reason.contains(reason) == true
        }
    }
}
