import DNSWire
import Foundation
import TSIG
import Testing
import Platform

/// The client's half of an exchange with a real tool: what it sent, and its output once it has our answer.
private func exchange(tool: String, _ arguments: (UInt16) -> [String],
                      answer: ([UInt8]) -> [UInt8]?) throws -> (request: [UInt8], output: String) {
    let socket = try LoopbackSocket()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments(socket.port)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    let (request, source) = try socket.receive()
    if let reply = answer(request) { socket.send(reply, to: source) }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (request, output)
}

/// The question section and ID of `request` answered with one A record, AA set, as a server writes it.
private func answer(to request: [UInt8], address: [UInt8]) throws -> [UInt8] {
    let query = try Message(parsing: request)
    var header = Header(id: query.header.id, flags: query.header.flags & Header.rdBit)
    header.isResponse = true
    header.isAuthoritative = true
    let records = [Record(name: query.questions[0].name, type: .a, ttl: 60, rdata: .a(address))]
    return Message(header: header, questions: query.questions, answers: records).encoded()
}

@Suite("Interoperability: requests signed by dig -y and kdig -y verify here, and they accept our signed answers",
       .serialized)
struct InteropTests {
    static let secret = "8QmvP3tCn1ge6wpLhO0Ve0FVWb7vUHoH9cBdK8k0Kzo="

    @Test("dig -y: the request verifies and dig accepts the signed answer",
          arguments: ["hmac-sha1", "hmac-sha256", "hmac-sha512"])
    func dig(algorithm: String) throws {
        let key = try TSIGKey(spec: "interop.example.:\(algorithm):\(Self.secret)")
        try check(tool: "dig", key: key) { port in
            ["@127.0.0.1", "-p", "\(port)", "+time=5", "+tries=1", "-y", "\(algorithm):interop.example:\(Self.secret)",
             "www.example.com", "A"]
        }
    }

    @Test("kdig -y: the request verifies and kdig accepts the signed answer",
          arguments: ["hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"])
    func kdig(algorithm: String) throws {
        let key = try TSIGKey(spec: "interop.example.:\(algorithm):\(Self.secret)")
        try check(tool: "kdig", key: key) { port in
            ["@127.0.0.1", "-p", "\(port)", "+timeout=5", "+retry=0", "-y", "\(algorithm):interop.example:\(Self.secret)",
             "www.example.com", "A"]
        }
    }

    private func check(tool: String, key: TSIGKey, _ arguments: (UInt16) -> [String]) throws {
        let ring = try TSIGKeyring([key])
        var verdict = "no request"
        let (request, output) = try exchange(tool: tool, arguments) { request in
            let result = request.withUnsafeBytes { ring.verify(request: $0, now: SystemClock.wallSeconds()) }
            verdict = "\(result)"
            guard case .valid(var session) = result, var reply = try? answer(to: request, address: [192, 0, 2, 53]) else {
                return nil
            }
            session.sign(&reply, now: SystemClock.wallSeconds())
            return reply
        }
        #expect(verdict.hasPrefix("valid"), "\(verdict)")
        let record = try tsigRecord(of: request)
        #expect(record.algorithmName == key.algorithm.name && record.mac.count == key.algorithm.macLength)
        #expect(output.contains("192.0.2.53"), "\(output)")
        #expect(output.contains("NOERROR"), "\(output)")
        for failure in ["Couldn't verify", "verify failure", "BADSIG", "BADKEY", "BADTIME", "failed to verify"] {
            #expect(!output.lowercased().contains(failure.lowercased()), "\(tool) reported '\(failure)': \(output)")
        }
    }

    @Test("dig and kdig report a tampered signed answer", arguments: ["dig", "kdig"])
    func tampered(tool: String) throws {
        let key = try TSIGKey(spec: "interop.example.:hmac-sha256:\(Self.secret)")
        let ring = try TSIGKeyring([key])
        let (_, output) = try exchange(tool: tool, { port in
            ["@127.0.0.1", "-p", "\(port)", "-y", "hmac-sha256:interop.example:\(Self.secret)", "www.example.com", "A"]
                + (tool == "dig" ? ["+time=2", "+tries=1"] : ["+timeout=2", "+retry=0"])
        }) { request in
            guard case .valid(var session) = request.withUnsafeBytes({ ring.verify(request: $0, now: SystemClock.wallSeconds()) }),
                  var reply = try? answer(to: request, address: [192, 0, 2, 53]) else { return nil }
            session.sign(&reply, now: SystemClock.wallSeconds())
            // The last octet of the A record's address, which the MAC covers: 192.0.2.52 arrives.
            reply[reply.count - session.reservedSize - 1] ^= 0x01
            return reply
        }
        let failure = tool == "dig" ? "Couldn't verify signature: tsig verify failure" : "(failed to verify TSIG)"
        #expect(output.contains(failure), "\(output)")
        #expect(output.contains("192.0.2.52"), "the tampered answer arrived: \(output)")
    }
}
