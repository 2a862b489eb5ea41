import CSocketShims
@testable import DNSServer
import Glibc
import Platform
import Testing

@Suite("UDP")
struct UDPTests {
    @Test(arguments: [ListenAddress.Family.ipv4, .ipv6])
    func roundTrip(family: ListenAddress.Family) throws {
        let server = try startServer()
        defer { server.stop() }
        let target = try #require(server.boundAddresses.first { $0.family == family })
        #expect(target.port != 0)
        let client = UDPClient(family)
        let query = Query.echo(id: 0x1234)
        client.send(query, to: target)
        let reply = try #require(client.receive())
        #expect(Query.id(of: reply.bytes) == 0x1234)
        #expect(Query.isResponse(reply.bytes))
        #expect(reply.bytes[12...] == query[12...])
        #expect(reply.from == target)
    }

    /// The responder keys rate limiting on it: the address the datagram came from, IPv4 as 4 octets.
    @Test("the responder is given the client's address", arguments: [ListenAddress.Family.ipv4, .ipv6])
    func clientAddress(family: ListenAddress.Family) throws {
        let server = try startServer()
        defer { server.stop() }
        let target = try #require(server.boundAddresses.first { $0.family == family })
        let client = UDPClient(family)
        client.send(Query.client(id: 9), to: target)
        let reply = try #require(client.receive())
        #expect(Array(reply.bytes[12...]) == (family == .ipv4 ? [127, 0, 0, 1] : Array(repeating: 0, count: 15) + [1]))
    }

    /// A worker whose socket is empty yields the processor once before it sleeps: the receive it tries first
    /// must not wait (the socket's own receive timeout is half a second) and must take what is queued.
    @Test("a batch receive that does not wait returns at once from an empty socket, and takes what is queued")
    func receiveWithoutWaiting() throws {
        let socket = try Sockets.udp(ListenAddress("127.0.0.1:0"))
        let address = try Sockets.localAddress(of: socket, label: "test")
        let batch = try #require(wdns_udp_batch_create(4, 512))
        defer { wdns_udp_batch_destroy(batch) }
        let started = SystemClock.monotonicMilliseconds()
        #expect(wdns_udp_batch_receive(socket.raw, batch, 0) == -1)
        #expect(errno == EAGAIN || errno == EWOULDBLOCK)
        #expect(SystemClock.monotonicMilliseconds() - started < 250)
        let client = UDPClient(.ipv4)
        for id in 1 ... 3 { client.send(Query.echo(id: UInt16(id)), to: address) }
        // Loopback delivers within the sender's call; a moment more for a slow machine.
        var received: Int32 = 0
        for _ in 0 ..< 100 where received < 3 {
            let count = wdns_udp_batch_receive(socket.raw, batch, 0)
            if count > 0 { received += count } else { usleep(1000) }
        }
        #expect(received == 3)
    }

    @Test func answersEveryQueryOfALargeBurst() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(udpBatchSize: 8))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let client = UDPClient(.ipv4)
        let count = 300
        for id in 0 ..< count {
            client.send(Query.echo(id: UInt16(id)), to: target)
        }
        var seen = Set<UInt16>()
        while seen.count < count, let reply = client.receive() {
            #expect(Query.isResponse(reply.bytes))
            seen.insert(Query.id(of: reply.bytes))
        }
        #expect(seen.count == count)
    }

    @Test func dropsWhenTheResponderSaysSo() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let client = UDPClient(.ipv4, timeoutMilliseconds: 300)
        client.send(Query.drop(id: 1), to: target)
        client.send([1, 2, 3], to: target)
        client.send(Query.echo(id: 2), to: target)
        let reply = try #require(client.receive())
        #expect(Query.id(of: reply.bytes) == 2)
        #expect(client.receive() == nil)
    }

    @Test func answersALargeResponse() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = UDPClient(.ipv4)
        client.send(Query.sized(id: 7, size: 4000), to: server.boundAddresses[0])
        let reply = try #require(client.receive())
        #expect(reply.bytes.count == 4000)
        #expect(Query.id(of: reply.bytes) == 7)
    }

    /// Without packet info a reply to a query sent to 127.0.0.2 would leave from 127.0.0.1 and be dropped by a
    /// client that checks the source.
    @Test(arguments: ["0.0.0.0:0", "[::]:0"])
    func wildcardRepliesFromTheQueriedAddress(listen: String) throws {
        let server = try startServer([listen], workers: 1)
        defer { server.stop() }
        let port = server.boundAddresses[0].port
        let client = UDPClient(.ipv4)
        for destination in ["127.0.0.1", "127.0.0.2"] {
            let target = address("\(destination):\(port)")
            client.send(Query.echo(id: 9), to: target)
            let reply = try #require(client.receive())
            #expect(reply.from == target)
        }
    }

    @Test func dualStackWildcardServesIPv6() throws {
        let server = try startServer(["[::]:0"], workers: 1)
        defer { server.stop() }
        let target = address("[::1]:\(server.boundAddresses[0].port)")
        let client = UDPClient(.ipv6)
        client.send(Query.echo(id: 10), to: target)
        let reply = try #require(client.receive())
        #expect(reply.from == target)
    }
}
