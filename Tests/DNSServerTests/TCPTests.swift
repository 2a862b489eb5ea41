@testable import DNSServer
import Glibc
import Platform
import Testing

@Suite("TCP (RFC 7766)")
struct TCPTests {
    @Test(arguments: [ListenAddress.Family.ipv4, .ipv6])
    func answersPipelinedQueriesInOrder(family: ListenAddress.Family) throws {
        let server = try startServer()
        defer { server.stop() }
        let target = try #require(server.boundAddresses.first { $0.family == family })
        let client = try #require(TCPClient(target))
        client.write(Query.framed(Query.echo(id: 1)) + Query.framed(Query.echo(id: 2, padding: 300)))
        let first = try #require(client.readMessage())
        let second = try #require(client.readMessage())
        #expect(Query.id(of: first) == 1)
        #expect(Query.id(of: second) == 2)
        #expect(second.count == 12 + 1 + 300)
        #expect(Query.isResponse(first) && Query.isResponse(second))
    }

    @Test func reassemblesAQuerySplitOverSeveralWrites() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        let framed = Query.framed(Query.echo(id: 0xBEEF, padding: 40))
        for chunk in [framed[0 ..< 1], framed[1 ..< 2], framed[2 ..< 9], framed[9...]] {
            client.write(Array(chunk))
            usleep(20_000)
        }
        let reply = try #require(client.readMessage())
        #expect(Query.id(of: reply) == 0xBEEF)
        #expect(reply.count == framed.count - 2)
    }

    @Test func sendsALargeResponseWhole() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        client.write(Query.framed(Query.sized(id: 3, size: 60_000)) + Query.framed(Query.echo(id: 4)))
        let large = try #require(client.readMessage())
        #expect(large.count == 60_000)
        #expect(Query.id(of: large) == 3)
        #expect(large[59_999] == UInt8(truncatingIfNeeded: 59_999))
        let next = try #require(client.readMessage())
        #expect(Query.id(of: next) == 4)
    }

    @Test func sendsNothingForADroppedQuery() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        client.write(Query.framed(Query.drop(id: 5)) + Query.framed(Query.echo(id: 6)))
        let reply = try #require(client.readMessage())
        #expect(Query.id(of: reply) == 6)
    }

    @Test func closesOnAZeroLengthMessage() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        client.write([0, 0])
        #expect(client.isClosedByServer())
    }

    @Test func answersThenClosesWhenTheClientHalfCloses() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        client.write(Query.framed(Query.echo(id: 8)))
        shutdown(client.fd, Int32(SHUT_WR))
        let reply = try #require(client.readMessage())
        #expect(Query.id(of: reply) == 8)
        #expect(client.isClosedByServer())
    }

    @Test func closesIdleConnections() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(tcpIdleTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        client.write(Query.framed(Query.echo(id: 1)))
        #expect(client.readMessage() != nil)
        var closed = false
        let seconds = measure { closed = client.isClosedByServer() }
        #expect(closed)
        #expect(seconds > 0.2 && seconds < 2)
    }

    @Test func closesAConnectionThatTricklesItsQuery() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(tcpIdleTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0]))
        let framed = Query.framed(Query.echo(id: 1, padding: 60))
        let start = SystemClock.monotonicMilliseconds()
        var sent = 0
        while sent < framed.count, SystemClock.monotonicMilliseconds() - start < 2_000 {
            client.write([framed[sent]])
            sent += 1
            usleep(50_000)
        }
        #expect(sent < framed.count)
        #expect(client.isClosedByServer())
    }

    @Test func closesAStalledClientAfterTheIdleTimeout() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(tcpIdleTimeout: .milliseconds(300)))
        defer { server.stop() }
        let stalled = try #require(TCPClient(server.boundAddresses[0], timeoutMilliseconds: 300))
        let query = Query.framed(Query.sized(id: 1, size: 60_000))
        for _ in 0 ..< 100 { stalled.write(query) }
        usleep(800_000)
        setTimeout(stalled.fd, SO_RCVTIMEO, milliseconds: 20)
        // Drain what the kernel buffered; the stream must then end (or be reset) instead of timing out.
        var buffer = [UInt8](repeating: 0, count: 65536)
        var ended = false
        let start = SystemClock.monotonicMilliseconds()
        while SystemClock.monotonicMilliseconds() - start < 3_000 {
            let got = recv(stalled.fd, &buffer, buffer.count, 0)
            if got == 0 || (got < 0 && errno == ECONNRESET) {
                ended = true
                break
            }
        }
        #expect(ended)
    }

    @Test func dualStackWildcardServesIPv4AndIPv6() throws {
        let server = try startServer(["[::]:0"], workers: 1)
        defer { server.stop() }
        let port = server.boundAddresses[0].port
        for target in [address("127.0.0.1:\(port)"), address("[::1]:\(port)")] {
            let client = try #require(TCPClient(target))
            client.write(Query.framed(Query.echo(id: 77)))
            #expect(client.readMessage().map(Query.id) == 77)
        }
    }

    @Test func sendsEveryMessageOfAStreamInOrderWithThePeerAddress() throws {
        let server = try startServer(["[::]:0"], workers: 1)
        defer { server.stop() }
        let port = server.boundAddresses[0].port
        // An IPv4 client of the dual-stack listener is reported as IPv4, not as ::ffff:127.0.0.1.
        for (target, octets) in [(address("127.0.0.1:\(port)"), [UInt8(127), 0, 0, 1]),
                                 (address("[::1]:\(port)"), [UInt8](repeating: 0, count: 15) + [1])] {
            let client = try #require(TCPClient(target))
            client.write(Query.framed(Query.stream(id: 9)) + Query.framed(Query.echo(id: 10)))
            for _ in 0 ..< 3 {
                let message = try #require(client.readMessage())
                #expect(Query.id(of: message) == 9)
                #expect(Array(message[12...]) == octets)
            }
            #expect(client.readMessage().map(Query.id) == 10)
        }
    }

    @Test func closesTheLeastRecentlyActiveConnectionAtTheCap() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxTCPConnections: 2))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        var clients: [TCPClient] = []
        for id in 0 ..< 3 {
            let client = try #require(TCPClient(target))
            client.write(Query.framed(Query.echo(id: UInt16(id))))
            #expect(client.readMessage().map(Query.id) == UInt16(id))
            clients.append(client)
        }
        #expect(clients[0].isClosedByServer())
        for id in 1 ..< 3 {
            clients[id].write(Query.framed(Query.echo(id: UInt16(10 + id))))
            #expect(clients[id].readMessage().map(Query.id) == UInt16(10 + id))
        }
    }

    /// A client that sends many queries with large answers and never reads fills its socket buffers and its
    /// output cap; UDP and other TCP clients are still answered at once.
    @Test func aClientThatNeverReadsDelaysNoOne() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxTCPPendingOutput: 64 * 1024))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let stalled = try #require(TCPClient(target, timeoutMilliseconds: 300))
        let query = Query.framed(Query.sized(id: 1, size: 60_000))
        for _ in 0 ..< 200 { stalled.write(query) }

        let udp = UDPClient(.ipv4)
        let other = try #require(TCPClient(target))
        var udpReply: [UInt8]?
        var tcpReply: [UInt8]?
        let seconds = measure {
            udp.send(Query.echo(id: 2), to: target)
            udpReply = udp.receive()?.bytes
            other.write(Query.framed(Query.echo(id: 3)))
            tcpReply = other.readMessage()
        }
        #expect(udpReply.map(Query.id) == 2)
        #expect(tcpReply.map(Query.id) == 3)
        #expect(seconds < 1)
    }
}
