import Foundation
import Synchronization

/// Ports for the servers and peers the tests start on loopback.
///
/// Taken below the ephemeral range (32768-60999 by default on Linux), where the kernel picks the source port of
/// every client socket (dig's, curl's, a flood test's thousands of connections): a port chosen there can be taken
/// by a client between the choice and the server's bind, or once a server stops and before it starts again on
/// the same port. Handed out from one counter, so no two tests of this process get the same port: WistDNS binds
/// UDP with SO_REUSEPORT, and two servers of one user on one port would share its queries without any error.
/// Each port is also checked free (TCP and UDP, 127.0.0.1 and ::1) when handed out, for other processes.
enum LoopbackPorts {
    /// The ports handed out: above the well-known and common service ports, below the ephemeral range.
    static let range = 10_000 ..< 32_000

    /// The next port to try. Each process starts at its own place, so a run soon after another does not meet the
    /// ports the last one left in TIME_WAIT.
    private static let next = Mutex(range.lowerBound + Int(getpid()) % 100 * 200)

    /// `count` consecutive ports, each free for TCP and UDP on 127.0.0.1 and ::1 now, none handed out before by
    /// this process (until the range wraps around, after 22,000 ports).
    static func take(_ count: Int = 1) -> Int {
        next.withLock { next in
            while true {
                if next + count > range.upperBound { next = range.lowerBound }
                let first = next
                next += count
                if (first ..< first + count).allSatisfy(isFree) { return first }
            }
        }
    }

    /// Whether no socket holds `port` for TCP or UDP on 127.0.0.1 or on ::1: a bind without SO_REUSEPORT fails
    /// with EADDRINUSE (a server holding the port with that option counts as holding it). Any other failure (no
    /// ::1 on this machine) is not this port's, and is left for the server's own bind to report.
    private static func isFree(_ port: Int) -> Bool {
        for family in [AF_INET, AF_INET6] {
            for kind in [SOCK_STREAM, SOCK_DGRAM] {
                let descriptor = socket(family, Int32(kind.rawValue), 0)
                guard descriptor >= 0 else { continue }
                defer { close(descriptor) }
                if !bindLoopback(descriptor, family: family, port: UInt16(port)) && errno == EADDRINUSE { return false }
            }
        }
        return true
    }

    private static func bindLoopback(_ descriptor: Int32, family: Int32, port: UInt16) -> Bool {
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = port.bigEndian
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }
}
