import DNSWire
import Platform
import Glibc
import Synchronization

/// A secondary on loopback for tests: a UDP socket on a random port of 127.0.0.1 or ::1, and a thread that keeps
/// every datagram it receives (parsed, with its arrival time) and sends back what `reply` decides.
final class FakeSecondary: Sendable {
    /// What to send back to one NOTIFY.
    enum Reply: Sendable {
        /// Nothing: the NOTIFY is lost.
        case silence
        /// These bytes, from the secondary's address.
        case answer([UInt8])
        /// These bytes, from another port of the same host (the notifier must ignore them).
        case fromOtherPort([UInt8])
    }

    /// One datagram received.
    struct Received: Sendable {
        let message: Message
        let at: ContinuousClock.Instant
        /// The zone's serial in the answer section, 0 when there is none.
        var serial: UInt32 {
            if case .soa(let soa) = message.answers.first?.rdata { soa.serial } else { 0 }
        }
    }

    let address: HostPort
    private let socket: FileDescriptor
    private let other: FileDescriptor
    private let stopping = StopFlag()
    private let thread = Mutex<WorkerThread?>(nil)
    private let log = Mutex<[Received]>([])

    /// Starts the secondary; `reply` gets each NOTIFY (parsed, and as received) and how many came before it.
    init(family: IPAddressText.Family = .ipv4,
         reply: @escaping @Sendable (_ notify: Message, _ bytes: [UInt8], _ index: Int) -> Reply = { _, _, _ in .silence })
        throws {
        let loopback = ListenAddress(family: family == .ipv4 ? .ipv4 : .ipv6,
                                     octets: family == .ipv4 ? [127, 0, 0, 1] : Array(repeating: 0, count: 15) + [1],
                                     port: 0)
        let socket = try FakeSecondary.bound(loopback)
        self.socket = socket
        other = try FakeSecondary.bound(loopback)
        var local = SocketAddress()
        _ = local.withMutableSockAddr { getsockname(socket.raw, $0, $1) }
        let port = local.listenAddress?.port ?? 0
        address = HostPort(family: family, octets: loopback.octets, port: port)
        let worker = try WorkerThread(name: "fake-secondary") { [self] in serve(reply) }
        thread.withLock { $0 = worker }
    }

    deinit { stop() }

    /// Stops the thread.
    func stop() {
        guard let worker = thread.withLock({ current in defer { current = nil }; return current }) else { return }
        stopping.set()
        worker.join()
    }

    /// What arrived so far.
    var received: [Received] { log.withLock { $0 } }

    /// Waits until at least `count` datagrams arrived or `timeout` passed; returns what arrived.
    func wait(for count: Int, timeout: Duration = .seconds(5)) -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while received.count < count, ContinuousClock.now < deadline { usleep(2_000) }
        return received
    }

    private func serve(_ reply: @Sendable (Message, [UInt8], Int) -> Reply) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        while !stopping.isSet {
            var descriptor = pollfd(fd: socket.raw, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 10) > 0 else { continue }
            var source = SocketAddress()
            let count = buffer.withUnsafeMutableBytes { raw in
                source.withMutableSockAddr { recvfrom(socket.raw, raw.baseAddress, raw.count, 0, $0, $1) }
            }
            let received = Array(buffer.prefix(max(0, count)))
            guard count > 0, let message = try? Message(parsing: received) else { continue }
            let index = log.withLock { log in
                log.append(Received(message: message, at: .now))
                return log.count - 1
            }
            let (from, bytes): (FileDescriptor?, [UInt8]) = switch reply(message, received, index) {
            case .silence: (nil, [])
            case .answer(let bytes): (socket, bytes)
            case .fromOtherPort(let bytes): (other, bytes)
            }
            guard let from else { continue }
            _ = bytes.withUnsafeBytes { raw in
                source.withSockAddr { sendto(from.raw, raw.baseAddress, raw.count, 0, $0, $1) }
            }
        }
    }

    private static func bound(_ address: ListenAddress) throws -> FileDescriptor {
        let raw = Glibc.socket(address.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard raw >= 0 else { throw SystemError("socket", code: errno) }
        let descriptor = FileDescriptor(raw)
        guard SocketAddress(address).withSockAddr({ bind(raw, $0, $1) }) == 0 else {
            throw SystemError("bind", code: errno)
        }
        return descriptor
    }
}
