@testable import DNSServer
import DNSWire
import Platform
import Glibc
import Logging
import Synchronization

/// Answers according to the octet after the header: 0 echoes the query with QR set, 1 drops it, 2 answers with
/// as many octets as the next two octets say (header with QR set, then filler), 3 answers with three messages
/// (two emitted, one left in the writer), each the header with QR set and the peer's address octets (none on UDP).
struct TestResponder: QueryResponder {
    static let echo: UInt8 = 0
    static let drop: UInt8 = 1
    static let sized: UInt8 = 2
    static let stream: UInt8 = 3
    /// Answers with the header (QR set) and the octets of the client address the responder was given.
    static let client: UInt8 = 4
    /// Answers like a large zone transfer: as many messages of 60,000 octets as the next two octets say (100
    /// without them), the first in the writer and the rest from a stream.
    static let largeStream: UInt8 = 5

    func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                 from peer: PeerAddress?, into response: inout MessageWriter, state: inout Void,
                 continuation: inout (any MessageStream)?) -> Bool {
        guard var header = Header(query) else { return false }
        let command = query.count > Header.size ? query[Header.size] : Self.echo
        switch command {
        case Self.drop:
            return false
        case Self.stream:
            header.isResponse = true
            response.writeHeader(header)
            response.append(peer?.octets ?? [])
            continuation = RepeatedMessages(header: header, body: peer?.octets ?? [], count: 2)
            return true
        case Self.largeStream:
            header.isResponse = true
            let count = query.count > Header.size + 2 ? Int(query[Header.size + 1]) << 8 | Int(query[Header.size + 2]) : 100
            response.writeHeader(header)
            let filler = [UInt8](repeating: 0, count: 60_000 - Header.size)
            response.append(filler)
            continuation = RepeatedMessages(header: header, body: filler, count: count - 1)
            return true
        case Self.client:
            header.isResponse = true
            response.writeHeader(header)
            response.append(client?.octets ?? [])
            return true
        case Self.sized where query.count >= Header.size + 3:
            let size = Int(query[Header.size + 1]) << 8 | Int(query[Header.size + 2])
            header.isResponse = true
            response.writeHeader(header)
            while response.count < size { response.appendUInt8(UInt8(truncatingIfNeeded: response.count)) }
            return true
        default:
            header.isResponse = true
            response.writeHeader(header)
            response.append(Array(query[Header.size...]))
            return true
        }
    }
}

/// The rest of a test stream: `count` more messages of the header and `body`, counted as they are written.
final class RepeatedMessages: MessageStream, Sendable {
    let header: Header
    let body: [UInt8]
    let count: Int
    private let written = Atomic<Int>(0)

    init(header: Header, body: [UInt8], count: Int) {
        self.header = header
        self.body = body
        self.count = count
        RepeatedMessages.latest.withLock { $0 = self }
    }

    /// The messages written so far.
    var writtenCount: Int { written.load(ordering: .relaxed) }

    /// The stream made last, for tests that watch how far it got.
    static let latest = Mutex<RepeatedMessages?>(nil)

    func next(into writer: inout MessageWriter) -> Bool {
        guard written.load(ordering: .relaxed) < count else { return false }
        writer.reset(limit: 65535)
        writer.writeHeader(header)
        writer.append(body)
        written.add(1, ordering: .relaxed)
        return true
    }
}

enum Query {
    static func echo(id: UInt16, padding: Int = 4) -> [UInt8] {
        var header = Header(id: id, questionCount: 1)
        header.recursionDesired = false
        var bytes: [UInt8] = []
        header.write(to: &bytes)
        bytes.append(TestResponder.echo)
        bytes.append(contentsOf: (0 ..< padding).map { UInt8(truncatingIfNeeded: $0) })
        return bytes
    }

    static func client(id: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        Header(id: id).write(to: &bytes)
        bytes.append(TestResponder.client)
        return bytes
    }

    static func drop(id: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        Header(id: id).write(to: &bytes)
        bytes.append(TestResponder.drop)
        return bytes
    }

    static func sized(id: UInt16, size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        Header(id: id).write(to: &bytes)
        bytes.append(contentsOf: [TestResponder.sized, UInt8(size >> 8), UInt8(size & 0xFF)])
        return bytes
    }

    static func largeStream(id: UInt16, messages: Int = 100) -> [UInt8] {
        var bytes: [UInt8] = []
        Header(id: id, questionCount: 1).write(to: &bytes)
        bytes.append(TestResponder.largeStream)
        bytes += [UInt8(messages >> 8), UInt8(messages & 0xFF)]
        // Read as a question, the command and count octets start a 5-octet label: then the root, type AXFR,
        // class IN, as the server's transfer cap recognizes a transfer (the responder ignores it).
        bytes += [0, 0, 0, 0, 0, 252, 0, 1]
        return bytes
    }

    static func stream(id: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        Header(id: id).write(to: &bytes)
        bytes.append(TestResponder.stream)
        return bytes
    }

    /// `message` behind its 2-octet TCP length.
    static func framed(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    static func id(of message: [UInt8]) -> UInt16 { UInt16(message[0]) << 8 | UInt16(message[1]) }
    static func isResponse(_ message: [UInt8]) -> Bool { message.count >= 12 && message[2] & 0x80 != 0 }
}

func testLogger() -> Logger {
    var logger = Logger(label: "DNSServerTests")
    logger.logLevel = .warning
    return logger
}

func address(_ text: String) -> ListenAddress {
    try! ListenAddress(text)
}

/// Starts a server with the test responder; stop it when done.
func startServer(_ addresses: [String] = ["127.0.0.1:0", "[::1]:0"], workers: Int = 2,
                 options: DNSServer.Options = .init()) throws -> DNSServer {
    let server = DNSServer(listen: addresses.map(address), workers: workers, responder: TestResponder(),
                           logger: testLogger(), options: options)
    try server.start()
    return server
}

func setTimeout(_ fd: Int32, _ option: Int32, milliseconds: Int) {
    var time = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
    setsockopt(fd, SOL_SOCKET, option, &time, socklen_t(MemoryLayout<timeval>.size))
}

/// A UDP client socket with a receive timeout.
final class UDPClient {
    let fd: Int32

    init(_ family: ListenAddress.Family, timeoutMilliseconds: Int = 2000) {
        fd = socket(family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        precondition(fd >= 0)
        setTimeout(fd, SO_RCVTIMEO, milliseconds: timeoutMilliseconds)
        var bufferSize: Int32 = 1 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8], to destination: ListenAddress) {
        let sent = SocketAddress(destination).withSockAddr { address, length in
            bytes.withUnsafeBytes { Glibc.sendto(fd, $0.baseAddress, $0.count, 0, address, length) }
        }
        precondition(sent == bytes.count)
    }

    /// The next datagram and its source, or nil on timeout.
    func receive() -> (bytes: [UInt8], from: ListenAddress)? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var source = SocketAddress()
        let count = source.withMutableSockAddr { address, length in
            buffer.withUnsafeMutableBytes { recvfrom(fd, $0.baseAddress, $0.count, 0, address, length) }
        }
        guard count >= 0, let from = source.listenAddress else { return nil }
        return (Array(buffer[..<count]), from)
    }
}

/// A blocking TCP client socket with send and receive timeouts.
final class TCPClient {
    let fd: Int32

    /// Connects to `destination`, from the IPv4 address `source` when given (any of 127.0.0.0/8 on loopback).
    init?(_ destination: ListenAddress, timeoutMilliseconds: Int = 3000, source: String? = nil) {
        fd = socket(destination.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0)
        if let source {
            let local = SocketAddress(address(source + ":0"))
            guard local.withSockAddr({ bind(fd, $0, $1) }) == 0 else {
                close(fd)
                return nil
            }
        }
        setTimeout(fd, SO_RCVTIMEO, milliseconds: timeoutMilliseconds)
        setTimeout(fd, SO_SNDTIMEO, milliseconds: timeoutMilliseconds)
        let result = SocketAddress(destination).withSockAddr { connect(fd, $0, $1) }
        if result != 0 {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Exactly `count` octets, or nil on end of stream, error or timeout.
    func read(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            guard got > 0 else { return nil }
            offset += got
        }
        return buffer
    }

    /// The next length-prefixed message, or nil.
    func readMessage() -> [UInt8]? {
        guard let length = read(2) else { return nil }
        return read(Int(length[0]) << 8 | Int(length[1]))
    }

    /// True when the server has closed the connection (end of stream or reset) within the receive timeout.
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let got = recv(fd, &byte, 1, 0)
        return got == 0 || (got < 0 && errno == ECONNRESET)
    }
}

/// Seconds taken by `body`.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = SystemClock.monotonicMilliseconds()
    try body()
    return Double(SystemClock.monotonicMilliseconds() - start) / 1e3
}
