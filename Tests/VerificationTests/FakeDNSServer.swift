import Dispatch
import DNSWire
import Glibc
import Platform
import Synchronization
@testable import Verification

/// A tiny DNS responder on 127.0.0.1 for tests: UDP and TCP on the same random port, served by one background
/// thread. The handler decides what to send back for each query.
final class FakeDNSServer: Sendable {
    /// One thing to send in reply to a query.
    enum Reply: Sendable {
        /// A message from the server's own address.
        case answer(Message)
        /// A message from another port of the same host (must be ignored by the client).
        case fromOtherPort(Message)
        /// Raw bytes from the server's own address.
        case raw([UInt8])
    }

    typealias Handler = @Sendable (_ query: Message, _ overTCP: Bool) -> [Reply]

    let address: ResolverAddress
    private let udp: Int32
    private let tcp: Int32
    private let other: Int32
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Queries received so far (UDP and TCP).
    let queries = Mutex<[Message]>([])

    init(_ handler: @escaping Handler) throws {
        var bound: (Int32, Int32, UInt16)? = nil
        for _ in 0 ..< 20 {
            let udp = FakeDNSServer.open(SOCK_DGRAM, port: 0)
            let port = FakeDNSServer.port(of: udp)
            let tcp = FakeDNSServer.open(SOCK_STREAM, port: port)
            if tcp >= 0 { bound = (udp, tcp, port); break }
            close(udp)
        }
        guard let (udp, tcp, port) = bound, listen(tcp, 16) == 0 else { throw FakeError.bind }
        guard let address = ResolverAddress(family: .ipv4, octets: [127, 0, 0, 1], port: port) else { throw FakeError.bind }
        self.udp = udp
        self.tcp = tcp
        self.other = FakeDNSServer.open(SOCK_DGRAM, port: 0)
        self.address = address
        DispatchQueue(label: "fake-dns-\(port)").async { [self] in
            serve(handler)
            finished.signal()
        }
    }

    /// Stops the thread and closes the sockets.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        close(udp)
        close(tcp)
        close(other)
    }

    private func serve(_ handler: Handler) {
        while !stopping.load(ordering: .relaxed) {
            var fds = [pollfd(fd: udp, events: Int16(POLLIN), revents: 0), pollfd(fd: tcp, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 20) > 0 else { continue }
            if fds[0].revents != 0 { serveUDP(handler) }
            if fds[1].revents != 0 { serveTCP(handler) }
        }
    }

    private func serveUDP(_ handler: Handler) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        var source = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(udp, raw.baseAddress, raw.count, 0, $0, &length) }
            }
        }
        guard count > 0, let query = try? Message(parsing: Array(buffer.prefix(count))) else { return }
        queries.withLock { $0.append(query) }
        for reply in handler(query, false) {
            let (fd, bytes): (Int32, [UInt8]) = switch reply {
            case .answer(let message): (udp, message.encoded())
            case .fromOtherPort(let message): (other, message.encoded())
            case .raw(let bytes): (udp, bytes)
            }
            _ = bytes.withUnsafeBytes { raw in
                withUnsafePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, raw.baseAddress, raw.count, 0, $0, length) }
                }
            }
        }
    }

    private func serveTCP(_ handler: Handler) {
        let connection = accept(tcp, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func read(_ count: Int) -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = bytes.withUnsafeMutableBytes { recv(connection, $0.baseAddress.map { $0 + got }, count - got, 0) }
                guard n > 0 else { return nil }
                got += n
            }
            return bytes
        }
        guard let prefix = read(2), let body = read(Int(prefix[0]) << 8 | Int(prefix[1])),
              let query = try? Message(parsing: body) else { return }
        queries.withLock { $0.append(query) }
        for reply in handler(query, true) {
            let bytes: [UInt8] = switch reply {
            case .answer(let message), .fromOtherPort(let message): message.encoded()
            case .raw(let bytes): bytes
            }
            let framed = [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
            _ = framed.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private static func open(_ kind: __socket_type, port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(kind.rawValue), 0)
        guard fd >= 0 else { return -1 }
        let result = SocketAddress(family: .ipv4, octets: [127, 0, 0, 1], port: port).withSockAddr { bind(fd, $0, $1) }
        if result != 0 { close(fd); return -1 }
        return fd
    }

    private static func port(of fd: Int32) -> UInt16 {
        var local = SocketAddress()
        _ = local.withMutableSockAddr { getsockname(fd, $0, $1) }
        return local.hostPort?.port ?? 0
    }
}

enum FakeError: Error { case bind }

/// A response to `query` with the given RCODE, answers and TC bit; the question is echoed.
func reply(to query: Message, rcode: Rcode = .noError, answers: [Record] = [], authority: [Record] = [],
           truncated: Bool = false, id: UInt16? = nil) -> Message {
    var header = Header(id: id ?? query.header.id)
    header.isResponse = true
    header.recursionDesired = query.header.recursionDesired
    header.isTruncated = truncated
    header.rcodeLow = UInt8(rcode.rawValue & 0x0F)
    return Message(header: header, questions: query.questions, answers: answers, authority: authority)
}

/// A TXT record from text (split into 255-octet strings).
func txt(_ name: String, _ text: String) throws -> Record {
    let bytes = Array(text.utf8)
    let strings = stride(from: 0, to: bytes.count, by: 255).map { Array(bytes[$0 ..< min($0 + 255, bytes.count)]) }
    return Record(name: try Name(name, origin: .root), type: .txt, ttl: 300, rdata: .txt(strings))
}

/// An A record.
func aRecord(_ name: String, _ octets: [UInt8]) throws -> Record {
    Record(name: try Name(name, origin: .root), type: .a, ttl: 300, rdata: .a(octets))
}
