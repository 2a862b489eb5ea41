import Foundation
import Testing

/// Sends raw bytes over UDP from a tiny Python client and returns the reply's bytes, or nil on timeout.
func sendRaw(_ server: ServerProcess, _ bytes: [UInt8]) throws -> [UInt8]? {
    let script = """
    import socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    s.sendto(bytes.fromhex(sys.argv[2]), ("127.0.0.1", int(sys.argv[1])))
    try:
        print(s.recv(65535).hex())
    except socket.timeout:
        print("timeout")
    """
    let hex = bytes.map { String(format: "%02x", $0) }.joined()
    let output = try run("python3", ["-c", script, "\(server.port)", hex]).output
        .trimmingCharacters(in: .whitespacesAndNewlines)
    guard output != "timeout" else { return nil }
    return stride(from: 0, to: output.count, by: 2).compactMap { offset in
        let start = output.index(output.startIndex, offsetBy: offset)
        return UInt8(output[start ..< output.index(start, offsetBy: 2)], radix: 16)
    }
}

@Suite("Malformed packets to the real server: FORMERR or silence, and it keeps answering", .serialized)
struct RobustnessTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess() }

    /// A query for wistfare.net SOA with ID 0xABCD.
    static let query: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                 8] + Array("wistfare".utf8) + [3] + Array("net".utf8) + [0, 0, 6, 0, 1]

    @Test("a well-formed raw query is answered")
    func wellFormed() throws {
        let reply = try #require(try sendRaw(server, RobustnessTests.query))
        #expect(reply[0] == 0xAB && reply[1] == 0xCD)
        #expect(reply[3] & 0x0F == 0)
    }

    @Test("a response (QR set) gets no answer")
    func responseDropped() throws {
        var packet = RobustnessTests.query
        packet[2] |= 0x80
        #expect(try sendRaw(server, packet) == nil)
    }

    @Test("a packet shorter than a header gets no answer")
    func short() throws {
        #expect(try sendRaw(server, [1, 2, 3, 4, 5]) == nil)
    }

    @Test("QDCOUNT 2 gets FORMERR")
    func twoQuestions() throws {
        var packet = RobustnessTests.query
        packet[5] = 2
        let reply = try #require(try sendRaw(server, packet))
        #expect(reply[3] & 0x0F == 1)
    }

    @Test("a compression loop in the question gets FORMERR")
    func pointerLoop() throws {
        let packet: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]
        let reply = try #require(try sendRaw(server, packet))
        #expect(reply[3] & 0x0F == 1)
    }

    @Test("an UPDATE gets NOTIMP")
    func update() throws {
        var packet = RobustnessTests.query
        packet[2] = 5 << 3
        let reply = try #require(try sendRaw(server, packet))
        #expect(reply[3] & 0x0F == 4)
    }

    @Test("after a burst of garbage the server still answers")
    func garbageBurst() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 50 {
            let length = Int.random(in: 0 ... 80, using: &generator)
            _ = try sendRaw(server, (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) })
        }
        #expect(try digShort(server, "mail.wistfare.net", "A") == ["192.0.2.25"])
        #expect(server.process.isRunning)
    }
}
