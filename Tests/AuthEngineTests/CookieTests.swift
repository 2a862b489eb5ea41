@testable import AuthEngine
import DNSWire
import Testing

private func bytes(_ hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index ..< next], radix: 16)!)
        index = next
    }
    return result
}

private func hex(_ option: CookieOption) -> String {
    [option.client, option.serverHead, option.serverHash].map { word in
        let text = String(word, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }.joined()
}

@Suite("SipHash-2-4 and RFC 9018 server cookies")
struct ServerCookieVectorTests {
    @Test("SipHash-2-4 gives the reference outputs of its paper (key 00..0f)")
    func sipHashReference() {
        let key = SipHash24.key(Array(0 ..< 16))
        let message = [UInt8](0 ..< 15)
        #expect(message.withUnsafeBytes { SipHash24.hash($0, k0: key.k0, k1: key.k1) } == 0xA129_CA61_49BE_45E5)
        #expect([UInt8]().withUnsafeBytes { SipHash24.hash($0, k0: key.k0, k1: key.k1) } == 0x726F_DB47_DD0E_0E31)
    }

    /// RFC 9018 appendix A: A.1, A.2 and A.3's fresh cookies, byte for byte.
    @Test("the fresh cookies of RFC 9018 appendix A", arguments: [
        ("2464c4abcf10c957", "198.51.100.100", UInt32(1_559_731_985), "2464c4abcf10c957010000005cf79f111f8130c3eee29480"),
        ("2464c4abcf10c957", "198.51.100.100", 1_559_734_385, "2464c4abcf10c957010000005cf7a871d4a564a1442aca77"),
        ("fc93fc62807ddb86", "203.0.113.203", 1_559_734_700, "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e"),
    ])
    func freshCookies(client: String, address: String, timestamp: UInt32, expected: String) throws {
        let key = SipHash24.key(bytes("e5e973e5a6b2a43f48e7dc849e37bfcf"))
        let clientCookie = bytes(client).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let octets = try #require(IPAddressText.parse(address, family: .ipv4))
        let ip = try #require(ClientAddress(octets: octets))
        #expect(hex(ServerCookies.cookie(clientCookie, client: ip, timestamp: timestamp, key: key)) == expected)
    }

    /// A.3 (reserved octets set by the client are hashed as sent) and A.4 (IPv6, made with the old secret).
    @Test("the returned cookies of RFC 9018 appendix A verify, and only from their client with their secret", arguments: [
        ("e5e973e5a6b2a43f48e7dc849e37bfcf", "203.0.113.203", "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5", true),
        ("dd3bdf9344b678b185a6f5cb60fca715", "2001:db8:220:1:59de:d0f4:8769:82b8", "22681ab97d52c298010000005cf7c57926556bd0934c72f8", true),
        ("445536bcd2513298075a5d379663c962", "2001:db8:220:1:59de:d0f4:8769:82b8", "22681ab97d52c298010000005cf7c57926556bd0934c72f8", false),
        ("e5e973e5a6b2a43f48e7dc849e37bfcf", "203.0.113.204", "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5", false),
    ])
    func returnedCookies(secret: String, address: String, cookie: String, valid: Bool) throws {
        let key = SipHash24.key(bytes(secret))
        let octets = bytes(cookie)
        let word = { (range: Range<Int>) in octets[range].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let family: IPAddressText.Family = address.contains(":") ? .ipv6 : .ipv4
        let addressOctets = try #require(IPAddressText.parse(address, family: family))
        let ip = try #require(ClientAddress(octets: addressOctets))
        #expect((ServerCookies.hash(word(0 ..< 8), head: word(8 ..< 16), client: ip, key: key) == word(16 ..< 24)) == valid)
    }
}

/// The cookie step of the query pipeline (RFC 7873 section 5.2, RFC 9018 section 4.3).
@Suite("DNS Cookies in the query pipeline")
struct CookiePipelineTests {
    static let client = ClientAddress(octets: [192, 0, 2, 7])!
    let store: ZoneStore

    init() throws { store = try makeStore([("example.com.", exampleZone)]) }

    func pipeline(rate: Int = 0, rotation: UInt64 = 3600) -> QueryPipeline {
        QueryPipeline(responder: Responder(store: store), rateLimit: rate == 0 ? .off : RateLimitSettings(rate: rate),
                      cookies: CookieSettings(secret: Array(repeating: 7, count: 16), rotationSeconds: rotation))
    }

    /// A query with a COOKIE option of these octets.
    static func query(cookie: [UInt8]) throws -> [UInt8] {
        try queryBytes("mail.example.com.", .a, edns: EDNS(options: [EDNS.Option(code: 10, data: cookie)]))
    }

    static func respond(_ pipeline: QueryPipeline, _ bytes: [UInt8], state: inout QueryPipeline.ThreadState,
                        client: ClientAddress? = client) throws -> Message? {
        var writer = MessageWriter(limit: 65535)
        let sent = bytes.withUnsafeBytes {
            pipeline.respond(to: $0, over: .udp, client: client, into: &writer, state: &state)
        }
        return sent ? try Message(parsing: writer.bytes) : nil
    }

    static func cookie(of message: Message?) -> [UInt8]? {
        message?.edns?.options.first { $0.code == 10 }?.data
    }

    @Test("a client cookie gets the answer and a 16-octet server cookie after it")
    func clientOnly() throws {
        let pipeline = pipeline()
        var state = pipeline.makeThreadState()
        let response = try Self.respond(pipeline, Self.query(cookie: Array(1 ... 8)), state: &state)
        #expect(response?.answers.count == 1)
        let cookie = try #require(Self.cookie(of: response))
        #expect(cookie.count == 24 && Array(cookie[0 ..< 8]) == Array(1 ... 8) && cookie[8] == 1)
        #expect(cookie[9 ..< 12] == [0, 0, 0])
    }

    @Test("the server cookie we gave verifies: answered, with a fresh cookie, and exempt from rate limiting")
    func validCookieIsExempt() throws {
        let pipeline = pipeline(rate: 5)
        var state = pipeline.makeThreadState()
        let first = try #require(Self.cookie(of: try Self.respond(pipeline, Self.query(cookie: Array(1 ... 8)), state: &state)))
        // Far past the rate: all answered, none truncated.
        for _ in 0 ..< 50 {
            let response = try Self.respond(pipeline, Self.query(cookie: first), state: &state)
            #expect(response?.answers.count == 1 && response?.header.isTruncated == false)
            #expect(Self.cookie(of: response)?.prefix(8) == first.prefix(8))
        }
        // A wrong server cookie is no proof: limited like no cookie at all, but still answered normally when
        // under the rate (cookies are never required, so no BADCOOKIE).
        var forged = first
        forged[23] ^= 1
        let answers = try (0 ..< 20).map { _ in try Self.respond(pipeline, Self.query(cookie: forged), state: &state) }
        #expect(answers.filter { $0?.answers.count == 1 }.count <= 5)
        #expect(answers.allSatisfy { $0 == nil || $0?.rcode == .noError })
        // The same cookie from another address does not verify either.
        var other = pipeline.makeThreadState()
        let elsewhere = try (0 ..< 20).map { _ in
            try Self.respond(pipeline, Self.query(cookie: first), state: &other, client: ClientAddress(octets: [192, 0, 2, 8])!)
        }
        #expect(elsewhere.filter { $0?.answers.count == 1 }.count <= 5)
    }

    @Test("a truncated answer from the rate limiter keeps the cookie, so the client can learn it")
    func slipKeepsCookie() throws {
        let pipeline = pipeline(rate: 1)
        var state = pipeline.makeThreadState()
        let responses = try (0 ..< 10).map { _ in try Self.respond(pipeline, Self.query(cookie: Array(1 ... 8)), state: &state) }
        let slipped = responses.compactMap { $0 }.filter { $0.header.isTruncated }
        #expect(!slipped.isEmpty)
        #expect(slipped.allSatisfy { Self.cookie(of: $0)?.count == 24 })
    }

    @Test("malformed COOKIE options get FORMERR with the question and OPT", arguments: [0, 1, 7, 9, 15, 41])
    func malformed(length: Int) throws {
        let pipeline = pipeline()
        var state = pipeline.makeThreadState()
        let response = try #require(try Self.respond(pipeline, Self.query(cookie: Array(repeating: 1, count: length)), state: &state))
        #expect(response.rcode == .formErr)
        #expect(response.questions.count == 1 && response.edns != nil && response.answers.isEmpty)
    }

    @Test("two COOKIE options are malformed")
    func twoCookies() throws {
        let pipeline = pipeline()
        var state = pipeline.makeThreadState()
        let bytes = try queryBytes("mail.example.com.", .a, edns: EDNS(options: [
            EDNS.Option(code: 10, data: Array(1 ... 8)), EDNS.Option(code: 10, data: Array(1 ... 8)),
        ]))
        #expect(try Self.respond(pipeline, bytes, state: &state)?.rcode == .formErr)
    }

    @Test("server cookies of other lengths (8 to 32 octets) are not ours: answered with a fresh one", arguments: [16, 20, 40])
    func otherServersCookies(length: Int) throws {
        let pipeline = pipeline()
        var state = pipeline.makeThreadState()
        let response = try Self.respond(pipeline, Self.query(cookie: Array(repeating: 3, count: length)), state: &state)
        #expect(response?.rcode == .noError && response?.answers.count == 1)
        #expect(Self.cookie(of: response)?.count == 24)
    }

    @Test("with cookies off the option is ignored: no cookie, no FORMERR")
    func off() throws {
        let pipeline = QueryPipeline(responder: Responder(store: store), cookies: .off)
        var state = pipeline.makeThreadState()
        let response = try Self.respond(pipeline, Self.query(cookie: [1, 2, 3]), state: &state)
        #expect(response?.rcode == .noError && Self.cookie(of: response) == nil)
    }

    @Test("a cookie made before a rotation still verifies after it; two rotations later it does not")
    func rotation() throws {
        var cookies = ServerCookies(settings: CookieSettings(secret: Array(repeating: 9, count: 16), rotationSeconds: 600))
        func verdict(_ option: [UInt8], at now: UInt64) throws -> (ServerCookies.Verdict, CookieOption?) {
            let bytes = try Self.query(cookie: option)
            return try bytes.withUnsafeBytes { raw in
                var query = try Query(parsing: raw)
                let verdict = cookies.process(&query, bytes: raw, client: Self.client, now: now)
                return (verdict, query.responseCookie)
            }
        }
        let start: UInt64 = 1_800_000_000 - 1_800_000_000 % 600 + 590
        let (first, made) = try verdict(Array(1 ... 8), at: start)
        #expect(first == .clientOnly)
        let option = try #require(made)
        var wire: [UInt8] = []
        for word in [option.client, option.serverHead, option.serverHash] {
            for shift in stride(from: 56, through: 0, by: -8) { wire.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        #expect(try verdict(wire, at: start + 20).0 == .valid, "one rotation later")
        #expect(try verdict(wire, at: start + 3500).0 == .clientOnly, "too old, and two rotations later")
        #expect(try verdict(wire, at: start - 200).0 == .valid, "a clock up to 5 minutes behind is allowed")
        #expect(try verdict(wire, at: start - 380).0 == .clientOnly, "more than 5 minutes is not")
    }
}
