import AdminAPI
import Foundation
import Testing
@testable import AdminAPI

@Suite("Limits for hostile clients: write rate per key, malformed HTTP, header sizes", .serialized)
struct APILimitsTests {
    @Test("a bucket gives `burst` writes at once, then one per 1/rate seconds; each key has its own")
    func tokenBucket() {
        let limiter = WriteRateLimiter(rate: 2, burst: 3)
        #expect((0 ..< 3).allSatisfy { _ in limiter.take(key: "a", now: 100) == nil })
        #expect(limiter.take(key: "a", now: 100) == 1, "empty: retry after the next token, rounded up to 1 s")
        #expect(limiter.take(key: "b", now: 100) == nil, "another key is not affected")
        #expect(limiter.take(key: "a", now: 100.5) == nil, "half a second at 2/s makes one token")
        #expect(limiter.take(key: "a", now: 100.5) != nil)
        #expect((0 ..< 3).allSatisfy { _ in limiter.take(key: "a", now: 1000) == nil }, "refills up to the burst only")
        #expect(limiter.take(key: "a", now: 1000) != nil)
        let slow = WriteRateLimiter(rate: 0.1, burst: 1)
        #expect(slow.take(key: "a", now: 0) == nil)
        #expect(slow.take(key: "a", now: 0) == 10)
        let off = WriteRateLimiter(rate: 0, burst: 1)
        #expect((0 ..< 100).allSatisfy { _ in off.take(key: "a", now: 0) == nil })
    }

    @Test("over its write rate a key gets 429 rate_limited with Retry-After; reads and other keys go on; nothing changes")
    func writeRateLimit() async throws {
        var limits = APITestHarness.patientLimits
        // One token per 1,000 s: even a slow add (waiting for an RSA key on a loaded machine) earns no new one.
        limits.writeRate = 0.001
        limits.writeBurst = 2
        let api = try await APITestHarness(limits: limits)
        #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "one.example"}"#).status == 201)
        #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "two"}"#).status == 422,
                "a refused write still spends a token")
        let limited = try await api.request("POST", "/api/v1/domains", body: #"{"name": "three.example"}"#)
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        let retry = limited.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("retry-after:") }
        let seconds = retry.map { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0 } ?? 0
        #expect((900 ... 1000).contains(seconds), "the seconds until the next token: \(seconds)")
        #expect(try api.domainCount() == 1)
        #expect(try await api.request("DELETE", "/api/v1/domains/dom_none").status == 429, "deletes are writes")
        #expect(try await api.request("GET", "/api/v1/domains").status == 200, "reads are not limited")
        let other = try api.key(scopes: ["domains:manage"])
        #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "three.example"}"#,
                                      auth: .key(other)).status == 201)
    }

    @Test("a chunked body with a malformed chunk size gets 400 invalid_request and changes nothing")
    func malformedChunk() async throws {
        let api = try await APITestHarness()
        let request = "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: \(api.fullKey)\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"name\":\"a.example\"}\r\n0\r\n\r\n"
        let response = try await api.raw(request)
        #expect(response.hasPrefix("HTTP/1.1 400"), "\(response)")
        #expect(response.contains(#""code":"invalid_request""#))
        #expect(!response.contains("500"))
        #expect(try api.domainCount() == 0)
    }

    @Test("a header field over 8 KiB, or over 100 fields, is refused with 400 before any route runs")
    func headerLimits() async throws {
        let api = try await APITestHarness()
        let big = "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: \(api.fullKey)\r\nX-Pad: "
            + String(repeating: "a", count: 9000) + "\r\nContent-Length: 24\r\n\r\n{\"name\":\"big.example\"}  "
        #expect(try await api.raw(big).hasPrefix("HTTP/1.1 400"))
        let many = "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: \(api.fullKey)\r\n"
            + (0 ..< 120).map { "X-F\($0): v\r\n" }.joined() + "Content-Length: 24\r\n\r\n{\"name\":\"big.example\"}  "
        #expect(try await api.raw(many).hasPrefix("HTTP/1.1 400"))
        #expect(try api.domainCount() == 0)
        // Within the limits the same request is served.
        let fine = "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: \(api.fullKey)\r\nX-Pad: "
            + String(repeating: "a", count: 4000) + "\r\nContent-Length: 24\r\nConnection: close\r\n\r\n{\"name\":\"big.example\"}  "
        #expect(try await api.raw(fine).hasPrefix("HTTP/1.1 201"))
    }
}
