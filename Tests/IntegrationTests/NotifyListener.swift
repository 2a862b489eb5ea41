import DNSWire
import Foundation
import Glibc

/// A secondary's NOTIFY port for tests: a UDP socket on a free port of 127.0.0.1 that answers every NOTIFY with
/// NOERROR, as a secondary does, and keeps it for the test.
final class NotifyListener {
    let port: Int
    private let fd: Int32
    /// Every NOTIFY received so far, in order.
    private(set) var received: [Message] = []

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else {
            if fd >= 0 { close(fd) }
            throw ServerError.message("cannot bind a UDP socket on 127.0.0.1")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The first NOTIFY for `zone` (`example.com.`) that `matches`, received earlier or now (answering every
    /// NOTIFY that comes meanwhile); nil when none arrives within `timeout` seconds.
    func first(for zone: String, timeout: Double = 10, where matches: (Message) -> Bool = { _ in true }) -> Message? {
        func isFor(_ notify: Message) -> Bool {
            notify.questions.first?.name.description.lowercased() == zone && matches(notify)
        }
        if let seen = received.first(where: isFor) { return seen }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65535)
        while Date() < deadline {
            var source = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &source) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
            }
            guard count > 0, let notify = try? Message(parsing: Array(buffer.prefix(count))) else { continue }
            var header = Header(id: notify.header.id)
            header.opcode = notify.header.opcode
            header.isResponse = true
            header.isAuthoritative = true
            let answer = Message(header: header, questions: notify.questions).encoded()
            _ = withUnsafePointer(to: &source) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, answer, answer.count, 0, $0, length) }
            }
            received.append(notify)
            if isFor(notify) { return notify }
        }
        return nil
    }
}
