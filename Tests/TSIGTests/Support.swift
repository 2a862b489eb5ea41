import Foundation
import DNSWire
import TSIG
import Testing

/// Bytes from hex text; whitespace is ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0 ... $0 + 1]), radix: 16)! }
}

/// A name from presentation text known to be valid.
func name(_ text: String) -> Name {
    do { return try Name(text) } catch { fatalError("bad test name \(text): \(error)") }
}

/// A key from a spec known to be valid.
func key(_ spec: String) -> TSIGKey {
    do { return try TSIGKey(spec: spec) } catch { fatalError("bad test key: \(error)") }
}

/// The keys the tests share. The secrets are 32 and 64 random octets in base64, as `tsig-keygen` makes them.
let transferKey = key("transfer.example.:hmac-sha256:8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo=")
let otherSecretKey = key("transfer.example.:hmac-sha256:nUqIU6YbEoy5qmKBl2Q1z7dw+Zfi/JlWSovGE6O8a3k=")
let notifyKey = key("notify.example.:hmac-sha512:" +
                    "d2lzdGRucyB0ZXN0IGtleSBmb3Igbm90aWZ5IG1lc3NhZ2VzLCBzaXh0eS1mb3VyIG9jdGV0cyBsb25nLi4uLi4=")

/// A keyring with the given keys.
func keyring(_ keys: TSIGKey...) -> TSIGKeyring {
    do { return try TSIGKeyring(keys) } catch { fatalError("bad test keyring: \(error)") }
}

/// A query for `example.com. <type> IN` with RD set, optionally with EDNS.
func queryMessage(id: UInt16 = 0xBEEF, type: RecordType = .soa, edns: Bool = false) -> [UInt8] {
    Message(header: Header(id: id, flags: Header.rdBit), questions: [Question(name: name("example.com."), type: type)],
            edns: edns ? EDNS() : nil).encoded()
}

/// An answer to `query`'s question with `count` A records, as a server builds it before signing.
func answerMessage(to query: [UInt8], records count: Int = 1, first: UInt8 = 1) -> [UInt8] {
    var header = Header(id: UInt16(query[0]) << 8 | UInt16(query[1]))
    header.isResponse = true
    header.isAuthoritative = true
    let question = Question(name: name("example.com."), type: .a)
    let records = (0 ..< count).map {
        Record(name: name("example.com."), type: .a, ttl: 300, rdata: .a([192, 0, 2, first &+ UInt8($0)]))
    }
    return Message(header: header, questions: [question], answers: records).encoded()
}

/// The server's view of a signed request.
func verify(_ request: [UInt8], with ring: TSIGKeyring, now: UInt64) -> TSIGVerification {
    request.withUnsafeBytes { ring.verify(request: $0, now: now) }
}

/// The session of a request that must verify, or nil (with an issue recorded).
func verifiedSession(_ request: [UInt8], with ring: TSIGKeyring, now: UInt64,
             sourceLocation: SourceLocation = #_sourceLocation) -> TSIGSession? {
    guard case .valid(let session) = verify(request, with: ring, now: now) else {
        Issue.record("expected a valid request, got \(verify(request, with: ring, now: now))", sourceLocation: sourceLocation)
        return nil
    }
    return session
}

/// The TSIG record at the end of a message.
func tsigRecord(of message: [UInt8]) throws -> TSIGRecord {
    try message.withUnsafeBytes { buffer in
        guard let start = try TSIGRecord.locate(in: buffer) else { throw WireError(.truncated, field: "no TSIG", offset: 0) }
        return try TSIGRecord(parsing: buffer, at: start)
    }
}

/// The header's RCODE and ARCOUNT of a message.
func rcodeAndAdditional(_ message: [UInt8]) -> (UInt8, UInt16) {
    (message[3] & 0x0F, UInt16(message[10]) << 8 | UInt16(message[11]))
}

/// A fixed clock reading for the tests: 2026-11-29 12:00:00 UTC.
let testTime: UInt64 = 1_795_953_600

/// Runs a command and returns its standard output and error, merged.
func runTool(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
