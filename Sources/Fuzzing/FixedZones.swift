import AuthEngine
import DNSWire
import TSIG
import ZoneFile

/// The zone set every query-path input is answered from: a mail domain with a long DKIM key, wildcards, CNAME
/// chains and loops, a delegation with glue, a child zone served beside its parent, and an empty non-terminal.
enum FixedZones {
    static let parent = """
        $ORIGIN example.com.
        $TTL 3600
        @        SOA  ns1 hostmaster 2026010101 7200 900 1209600 300
        @        NS   ns1
        @        NS   ns2.example.net.
        @        MX   10 mail
        @        TXT  "v=spf1 mx ~all"
        ns1      A    192.0.2.1
        mail     A    192.0.2.25
        mail     AAAA 2001:db8::25
        www      CNAME web
        web      A    192.0.2.80
        ext      CNAME www.example.org.
        loop1    CNAME loop2
        loop2    CNAME loop1
        dangling CNAME missing
        *.wild   TXT  "wildcard"
        *.wild   MX   5 mail
        sub.wild A    192.0.2.7
        deep.ent.example.com. A 192.0.2.9
        _dmarc   TXT  "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
        wistmail._domainkey TXT ( "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAv7lQ4m1Zr2d0TvH9uKp3"
            "yJq8sQn0bFhX3cWf1n2tQm4pD7uY5rZxL0aKc9eS6gH1iJ2kM3oN4pQ5rS6tU7vW8xY9zA0bB1cC2dD3eE4fF5gG6hH7iI8jJ9kK0lL1mM2n"
            "N3oO4pP5qQ6rR7sS8tT9uU0vV1wW2xX3yY4zZ5aA6bB7cC8dD9eE0fF1gG2hH3iI4jJ5kK6lL7mM8nN9oO0pP1qQ2rR3sS4tT5uU6vV7wW8x"
            "X9yY0zZ1aA2bB3cC4dD5eE6fF7gG8hH9iI0jJ1kK2lL3mM4nN5oO6pP7qQ8rR9sS0tT1uU2vV3wW4xX5yY6zZ7aA8bB9cC0dD1eE2fF3gG4h"
            "H5iI6jJ7kK8lL9mM0nN1oO2pP3qQ4rR5sS6tT7uU8vV9wW0xX1yY2zZ3IDAQAB" )
        @        CAA  0 issue "ca.example"
        _smtp._tcp SRV 0 1 25 mail
        child    NS   ns.child
        ns.child A    192.0.2.53
        """

    static let child = """
        $ORIGIN child.example.com.
        $TTL 600
        @   SOA ns.child.example.com. hostmaster.example.com. 7 3600 600 86400 60
        @   NS  ns
        ns  A   192.0.2.53
        www A   192.0.2.54
        """

    /// The key signed fuzz inputs may use (and the TSIG harness verifies with).
    static let key = try! TSIGKey(spec: "fuzz-key:hmac-sha256:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==")

    /// The TCP client address allowed to transfer zones.
    static let transferPeer: [UInt8] = [192, 0, 2, 100]

    /// A UDP client that is rate limited, and one in an exempt network.
    static let limitedClient = ClientAddress(octets: [192, 0, 2, 1])!
    static let exemptClient = ClientAddress(octets: [198, 51, 100, 1])!

    /// The whole query path as the server runs it: cookies (a fixed secret), TSIG, rate limiting (50 a second,
    /// `exemptClient`'s network exempt) around `responder`.
    static let pipeline = QueryPipeline(
        responder: responder,
        rateLimit: RateLimitSettings(rate: 50, exempt: [AddressPrefix("198.51.100.0/24")!], tableSize: 1024),
        cookies: CookieSettings(secret: Array(repeating: 0x5A, count: 16), rotationSeconds: 3600))

    /// The responder of the query-path harness: transfers allowed from `transferPeer` and with `key`.
    static let responder: Responder = {
        var set = ZoneSet()
        for (origin, text) in [("example.com.", parent), ("child.example.com.", child)] {
            let name = try! Name(origin)
            let parsed = try! ZoneFileParser.parse(text: text, origin: name, file: origin, includeRoot: nil).get()
            set = set.inserting(try! Zone(origin: parsed.origin, records: parsed.records))
        }
        let options = ResponderOptions(allowTransfer: [transferPeer], keyring: try! TSIGKeyring([key]),
                                       transferKeys: [key.name])
        return Responder(store: ZoneStore(set), options: options)
    }()
}
