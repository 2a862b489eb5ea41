@testable import DNSServer
import Platform
import Glibc
import Testing

/// Fair TCP (issue 9): one source cannot take every connection, evictions fall on the greediest source and
/// never on a zone transfer, and a client that never reads is closed.
@Suite("Fair TCP")
struct FairTCPTests {
    /// Whether `client` is answered (an echo query and its reply).
    static func served(_ client: TCPClient?, id: UInt16) -> Bool {
        guard let client else { return false }
        client.write(Query.framed(Query.echo(id: id)))
        return client.readMessage().map(Query.id) == id
    }

    @Test("a source's connections beyond its cap are closed at once; other sources are served")
    func perSourceCap() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxTCPConnectionsPerSource: 3))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let kept = (0 ..< 3).map { _ in TCPClient(target, source: "127.0.0.1") }
        for (index, client) in kept.enumerated() { #expect(Self.served(client, id: UInt16(index))) }
        let extra = try #require(TCPClient(target, timeoutMilliseconds: 1000, source: "127.0.0.1"))
        #expect(extra.isClosedByServer())
        #expect(Self.served(TCPClient(target, source: "127.0.0.2"), id: 9))
        #expect(kept.enumerated().allSatisfy { Self.served($0.element, id: UInt16(20 + $0.offset)) })
    }

    @Test("at the cap, the newcomer displaces the greediest source's least recently active connection")
    func evictsFromTheGreediestSource() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxTCPConnections: 4, maxTCPConnectionsPerSource: 10))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        // The overall oldest connection is the quiet source's.
        let quiet = TCPClient(target, source: "127.0.0.2")
        #expect(Self.served(quiet, id: 1))
        let greedy = (0 ..< 3).map { _ in TCPClient(target, timeoutMilliseconds: 1000, source: "127.0.0.1") }
        for (index, client) in greedy.enumerated() { #expect(Self.served(client, id: UInt16(10 + index))) }
        #expect(Self.served(TCPClient(target, source: "127.0.0.3"), id: 2))
        #expect(try #require(greedy[0]).isClosedByServer())
        #expect(Self.served(quiet, id: 3))
        #expect(Self.served(greedy[1], id: 4) && Self.served(greedy[2], id: 5))
    }

    @Test("a connection in the middle of a zone transfer is never evicted")
    func transferIsNotEvicted() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxTCPConnections: 2, maxTCPConnectionsPerSource: 10))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let transfer = try #require(TCPClient(target, timeoutMilliseconds: 3000))
        transfer.write(Query.framed(Query.largeStream(id: 7)))
        usleep(200_000)
        // Two newcomers push past the cap: the transfer (the oldest) stays, the idle one goes.
        let idle = TCPClient(target, timeoutMilliseconds: 1000)
        #expect(Self.served(idle, id: 1))
        let newcomer = TCPClient(target)
        #expect(Self.served(newcomer, id: 2))
        #expect(try #require(idle).isClosedByServer())
        var messages = 0
        while messages < 100, let message = transfer.readMessage() {
            #expect(Query.id(of: message) == 7)
            messages += 1
        }
        #expect(messages == 100)
    }

    @Test("a client that pipelines queries and never reads is closed when its output queue is full")
    func neverReadingClientIsClosed() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(tcpIdleTimeout: .seconds(30), maxTCPPendingOutput: 64 * 1024))
        defer { server.stop() }
        let stalled = try #require(TCPClient(server.boundAddresses[0], timeoutMilliseconds: 300))
        // 60 MB of answers asked for: far more than the kernel's socket buffers hold. Nothing is read for a
        // second: the server fills the buffers and its queue and closes the connection.
        let query = Query.framed(Query.sized(id: 1, size: 60_000))
        stalled.write(Array((0 ..< 1000).map { _ in query }.joined()))
        usleep(1_000_000)
        // Long before the 30-second idle timeout, the stream ends (or is reset) after what was buffered,
        // well short of the 60 MB asked for.
        setTimeout(stalled.fd, SO_RCVTIMEO, milliseconds: 50)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var ended = false
        var received = 0
        let start = SystemClock.monotonicMilliseconds()
        while SystemClock.monotonicMilliseconds() - start < 3_000 {
            let got = recv(stalled.fd, &buffer, buffer.count, 0)
            if got > 0 { received += got }
            if got == 0 || (got < 0 && errno == ECONNRESET) {
                ended = true
                break
            }
        }
        #expect(received < 30_000_000)
        #expect(ended)
    }
}

/// Zone transfers are written as the client reads (issue 9), and only so many at once.
@Suite("Streamed zone transfers")
struct StreamedTransferTests {
    @Test("a transfer is written as the client reads it, never queued whole")
    func writtenAsRead() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        let client = try #require(TCPClient(server.boundAddresses[0], timeoutMilliseconds: 3000))
        // 1,000 messages of 60,000 octets: 60 MB, far more than socket buffers and the output cap hold.
        client.write(Query.framed(Query.largeStream(id: 5, messages: 1000)))
        usleep(500_000)
        let stream = try #require(RepeatedMessages.latest.withLock { $0 })
        #expect(stream.writtenCount < 500, "written \(stream.writtenCount) messages while the client read nothing")
        var messages = 0
        while messages < 1000, let message = client.readMessage() {
            #expect(Query.id(of: message) == 5 && message.count == 60_000)
            messages += 1
        }
        #expect(messages == 1000)
        // The connection answers the next query after the transfer.
        client.write(Query.framed(Query.echo(id: 6)))
        #expect(client.readMessage().map(Query.id) == 6)
    }

    @Test("past the cap of concurrent transfers, a transfer request waits for one to end; other queries do not")
    func concurrentTransferCap() throws {
        let server = try startServer(["127.0.0.1:0"], options: .init(maxConcurrentTransfers: 1))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        let first = try #require(TCPClient(target, timeoutMilliseconds: 3000))
        first.write(Query.framed(Query.largeStream(id: 1, messages: 300)))
        usleep(200_000)
        let second = try #require(TCPClient(target, timeoutMilliseconds: 300))
        second.write(Query.framed(Query.largeStream(id: 2, messages: 3)))
        #expect(second.readMessage() == nil, "the second transfer started while the first was in progress")
        let other = try #require(TCPClient(target))
        other.write(Query.framed(Query.echo(id: 3)))
        #expect(other.readMessage().map(Query.id) == 3)
        var messages = 0
        while messages < 300, let message = first.readMessage() {
            #expect(Query.id(of: message) == 1)
            messages += 1
        }
        #expect(messages == 300)
        setTimeout(second.fd, SO_RCVTIMEO, milliseconds: 3000)
        for _ in 0 ..< 3 { #expect(second.readMessage().map(Query.id) == 2) }
    }
}
