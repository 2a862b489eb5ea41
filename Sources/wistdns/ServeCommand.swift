import ArgumentParser
import AuthEngine
import DNSServer
import DNSWire
import Logging

/// `wistdns serve`: loads the zones folder and answers DNS over UDP and TCP until SIGINT or SIGTERM.
/// SIGHUP reloads the folder.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the zones of a folder over UDP and TCP."
    )

    @Option(name: .long, help: "Folder of master files, one zone per `*.zone` file.")
    var zones = "zones"

    @Option(name: .customLong("dns-listen"), help: "HOST:PORT to answer DNS on, IPv6 as [::1]:5300 (repeatable).")
    var dnsListen: [String] = ["127.0.0.1:5300", "[::1]:5300"]

    @Option(name: .long, help: "UDP worker threads per address (default: the number of cores).")
    var workers: Int?

    @Option(name: .customLong("udp-payload"), help: "EDNS UDP payload size we advertise and accept at most.")
    var udpPayload: UInt16 = 1232

    @Option(name: .customLong("tcp-idle-timeout"), help: "Seconds an idle TCP connection stays open.")
    var tcpIdleTimeout: Int = 10

    @Option(name: .customLong("tcp-max-connections"), help: "Open TCP connections at most.")
    var tcpMaxConnections: Int = 1000

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if udpPayload < 512 { throw ValidationError("--udp-payload must be at least 512.") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel).") }
        for address in dnsListen { _ = try parse(address) }
    }

    private func parse(_ address: String) throws -> ListenAddress {
        do { return try ListenAddress(address) } catch { throw ValidationError("--dns-listen \(address): \(error)") }
    }

    func run() throws {
        let signals = SignalWaiter()
        var logger = Logger(label: "wistdns")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        let store = ZoneStore()
        let loader = ZoneLoader(directory: zones, store: store, logger: logger)
        loader.load()

        let responder = Responder(store: store, options: ResponderOptions(udpPayloadSize: udpPayload))
        let server = DNSServer(
            listen: try dnsListen.map(parse),
            workers: workers ?? DNSServer.processorCount,
            responder: responder,
            logger: logger,
            options: DNSServer.Options(tcpIdleTimeout: .seconds(tcpIdleTimeout), maxTCPConnections: tcpMaxConnections)
        )
        try server.start()
        logger.info("listening", metadata: ["dns": "\(server.boundAddresses.map(\.description))"])

        while case .reload = signals.wait() {
            logger.info("SIGHUP: reloading \(zones)")
            loader.load()
        }
        logger.info("stopping")
        server.stop()
    }
}

extension Responder: QueryResponder {
    public func makeThreadState() -> ZoneStore.Reader { makeReader() }

    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport,
                        into response: inout MessageWriter, state: inout ZoneStore.Reader) -> Bool {
        respond(to: query, over: transport, into: &response, reader: &state)
    }
}
