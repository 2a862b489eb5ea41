@testable import DNSServer
import Glibc
import Platform
import Testing

@Suite("Server lifecycle")
struct LifecycleTests {
    @Test func stopReturnsPromptlyAndReleasesThePorts() throws {
        let server = try startServer()
        let bound = server.boundAddresses
        let client = try #require(TCPClient(bound[0]))
        client.write(Query.framed(Query.echo(id: 1)))
        #expect(client.readMessage() != nil)
        let seconds = measure { server.stop() }
        #expect(seconds < 1)
        #expect(server.boundAddresses.isEmpty)
        #expect(client.isClosedByServer())
        let again = DNSServer(listen: bound, workers: 2, responder: TestResponder(), logger: testLogger())
        try again.start()
        #expect(again.boundAddresses == bound)
        again.stop()
    }

    @Test func bindingAPortInUseFailsClearly() throws {
        let first = try startServer(["127.0.0.1:0"])
        defer { first.stop() }
        let taken = first.boundAddresses[0]
        let second = DNSServer(listen: [taken], workers: 2, responder: TestResponder(), logger: testLogger())
        #expect {
            try second.start()
        } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.operation == "bind" && error.code == EADDRINUSE
                && error.description.contains("\(taken)/tcp") && error.description.contains("in use")
        }
        #expect(second.boundAddresses.isEmpty)
        // The first server is untouched.
        let client = UDPClient(.ipv4)
        client.send(Query.echo(id: 1), to: taken)
        #expect(client.receive() != nil)
    }

    /// Random datagrams and random TCP streams (any length prefix, abrupt closes) leave every thread serving.
    @Test func survivesGarbage() throws {
        let server = try startServer(["127.0.0.1:0"], workers: 1, options: .init(tcpIdleTimeout: .milliseconds(200)))
        defer { server.stop() }
        let target = server.boundAddresses[0]
        var generator = SystemRandomNumberGenerator()
        let udp = UDPClient(.ipv4, timeoutMilliseconds: 1000)
        for _ in 0 ..< 200 {
            let size = Int.random(in: 0 ..< 600, using: &generator)
            udp.send((0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }, to: target)
        }
        for round in 0 ..< 20 {
            let client = try #require(TCPClient(target, timeoutMilliseconds: 100))
            let size = Int.random(in: 1 ..< 3000, using: &generator)
            client.write((0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &generator) })
            if round.isMultiple(of: 2) { _ = client.read(1) }
        }
        let checker = UDPClient(.ipv4)
        checker.send(Query.echo(id: 42), to: target)
        #expect(checker.receive().map { Query.id(of: $0.bytes) } == 42)
        let tcp = try #require(TCPClient(target))
        tcp.write(Query.framed(Query.echo(id: 43)))
        #expect(tcp.readMessage().map(Query.id) == 43)
    }

    @Test func refusesToStartTwiceOrWithBadOptions() throws {
        let server = try startServer(["127.0.0.1:0"])
        defer { server.stop() }
        #expect(throws: SystemError.self) { try server.start() }
        let bad = DNSServer(listen: [address("127.0.0.1:0")], responder: TestResponder(), logger: testLogger(),
                            options: .init(maxTCPConnections: 0))
        #expect(throws: SystemError.self) { try bad.start() }
        let none = DNSServer(listen: [], responder: TestResponder(), logger: testLogger())
        #expect(throws: SystemError.self) { try none.start() }
    }
}
