import Platform
import Testing

@Suite("ListenAddress parsing")
struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:53", "127.0.0.1:53", ListenAddress.Family.ipv4, UInt16(53)),
        ("0.0.0.0:5353", "0.0.0.0:5353", .ipv4, 5353),
        ("[::1]:53", "[::1]:53", .ipv6, 53),
        ("[::]:0", "[::]:0", .ipv6, 0),
        ("[2001:DB8:0::1]:65535", "[2001:db8::1]:65535", .ipv6, 65535),
    ])
    func parsesValidAddresses(text: String, canonical: String, family: ListenAddress.Family, port: UInt16) throws {
        let address = try ListenAddress(text)
        #expect(address.description == canonical)
        #expect(address.family == family)
        #expect(address.port == port)
    }

    @Test func recognizesWildcards() throws {
        #expect(try ListenAddress("0.0.0.0:53").isWildcard)
        #expect(try ListenAddress("[::]:53").isWildcard)
        #expect(try !ListenAddress("127.0.0.1:53").isWildcard)
        #expect(try !ListenAddress("[::1]:53").isWildcard)
    }

    @Test(arguments: [
        ("127.0.0.1", "missing port"),
        ("127.0.0.1:", "invalid port"),
        ("127.0.0.1:65536", "invalid port"),
        ("127.0.0.1:-1", "invalid port"),
        ("127.0.0.1:5x", "invalid port"),
        ("127.0.0.1:000053", "invalid port"),
        (":53", "missing address"),
        ("::1:53", "must be written in brackets"),
        ("[::1]53", "missing ':PORT'"),
        ("[::1:53", "missing ']'"),
        ("[127.0.0.1]:53", "not an IPv6 address"),
        ("[]:53", "missing address"),
        ("localhost:53", "host names are not accepted"),
        ("256.0.0.1:53", "not an IPv4 address"),
        ("", "missing port"),
    ])
    func rejectsBadInput(text: String, reason: String) {
        #expect {
            try ListenAddress(text)
        } throws: { error in
            let error = error as? ListenAddressError
            return error?.input == text && error?.description.contains(reason) == true
        }
    }
}
