import DNSWire
import Glibc
import Platform
import Testing

/// Client sockets on loopback: a datagram goes out and its answer comes back with the right source, on both
/// families; an empty socket says so instead of blocking.
@Suite struct ClientSocketTests {
    @Test(arguments: [IPAddressText.Family.ipv4, .ipv6])
    func exchangesDatagrams(family: IPAddressText.Family) throws {
        let loopback: [UInt8] = family == .ipv4 ? [127, 0, 0, 1] : Array(repeating: 0, count: 15) + [1]
        let first = try ClientSocket(family: family, label: "first")
        let second = try ClientSocket(family: family, label: "second")
        let secondAddress = HostPort(family: family, octets: loopback, port: try port(of: second))
        var buffer = [UInt8](repeating: 0, count: 512)
        #expect(try second.receive(into: &buffer) == nil, "nothing sent yet")

        try first.send([1, 2, 3], to: secondAddress)
        let (count, source) = try #require(try receive(on: second, into: &buffer))
        #expect(Array(buffer.prefix(count)) == [1, 2, 3])
        #expect(source == HostPort(family: family, octets: loopback, port: try port(of: first)))
    }

    @Test func sendingToAnotherFamilyFailsWithTheCall() throws {
        let socket = try ClientSocket(family: .ipv6, label: "notify/udp6")
        #expect(throws: SystemError.self) { try socket.send([0], to: try HostPort("127.0.0.1:9")) }
        do throws(SystemError) {
            try socket.send([0], to: HostPort(family: .ipv4, octets: [127, 0, 0, 1], port: 9))
        } catch {
            #expect(error.operation == "sendto")
            #expect(error.address == "notify/udp6")
        }
    }

    private func port(of socket: ClientSocket) throws -> UInt16 {
        var local = SocketAddress()
        #expect(local.withMutableSockAddr { getsockname(socket.descriptor.raw, $0, $1) } == 0)
        return try #require(local.hostPort).port
    }

    /// Waits up to 5 s for a datagram.
    private func receive(on socket: ClientSocket, into buffer: inout [UInt8]) throws -> (count: Int, source: HostPort)? {
        var pfd = pollfd(fd: socket.descriptor.raw, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 5000) == 1 else { return nil }
        return try socket.receive(into: &buffer)
    }
}
