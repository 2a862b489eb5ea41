import AdminAPI
import ArgumentParser
import AuthEngine
import DKIMKeys
import DNSServer
import DNSWire
import Platform
import Logging
import MailRecords
import Metrics
import Notify
import Publishing
import ServiceLifecycle
import Storage
import TSIG
import Telemetry
import Verification

/// `wistdns serve`: the zones folder and the domains API's zones over UDP and TCP, and the domains API over
/// HTTP, until SIGINT or SIGTERM. SIGHUP reloads the zones folder.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve DNS for the zones folder and the API's domains, and the domains API."
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let settings = try options.resolve()
        if settings.jsonLogs { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
        let signals = SignalEvents()
        let logger = {
            var logger = Logger(label: "wistdns")
            logger.logLevel = settings.logLevel
            return logger
        }()

        // With --metrics-listen, every metric of the process goes to one registry; bootstrapped first, so that
        // metrics made at start-up (SQLite writes) are not bound to the no-op handler.
        let exporter = settings.metricsListen.map { _ in MetricsExporter() }
        if let exporter { MetricsSystem.bootstrap(exporter.metricsFactory()) }
        let queryStatistics = exporter.map { _ in QueryStatistics() }

        let store = ZoneStore()
        // Changes are recorded from the first load on and sent once the DNS listeners answer (below).
        let notifier = try Notifier(targets: settings.notify, key: settings.notifyKey, logger: logger)
        // The zones folder is read first; then every stored domain claims its name, and one that overlaps a file
        // is not served (listed with the reason).
        let claims = ZoneClaims(catalog: settings.catalogZone)
        let loader = ZoneLoader(directory: settings.zones, store: store, notifier: notifier, logger: logger,
                                claims: claims)
        loader.load()

        let database = try Database(path: settings.database)
        let versions = ZoneVersions(database: database)
        let catalog = try settings.catalogZone.map {
            try CatalogMaintainer(origin: $0, store: store, versions: versions, logger: logger,
                              onPublish: { notifier.zoneChanged($0) })
        }
        if let first = try APIKeyIssuer(database: database).createFirstKeyIfNone() {
            printNow("Created the first API key, with every scope. It is shown only now; keep it:\n\(first.key)")
        }
        // The client cookie of our verifier's queries to our own server: they never count as outside interest in a
        // pending domain (QueryWatch).
        let ownCookie = UInt64.random(in: 1 ... .max)
        // Filled once the stored zones are served: key generation on every core would slow the start.
        let keyPool = DKIMKeyPool(algorithm: .rsa2048, capacity: settings.keyPoolSize, startFilling: false)
        defer { keyPool.stop() }
        let publisher = StorePublisher(store: store, claims: claims, versions: versions, catalog: catalog,
                                       notifier: notifier, watchInterval: UInt64(settings.verifyInterval) * 1000)
        let service = DomainService(database: database, keys: keyPool, publisher: publisher,
                                    settings: settings.provider, offload: BlockingExecutor(label: "wistdns.storage"),
                                    webhooks: settings.webhooks)
        let verification = VerificationService(
            database: database,
            verifier: Verifier(ownServer: try settings.ownServer, resolvers: settings.resolvers,
                               nameservers: settings.provider.nameservers, probeTargets: settings.probeTargets,
                               isOwnZone: { store.snapshot.zone(origin: $0) != nil }, ownClientCookie: ownCookie),
            settings: settings.provider, offload: BlockingExecutor(label: "wistdns.verification"),
            policy: {
                var policy = VerificationPolicy()
                policy.firstCheck = Int64(settings.verifyFirstCheck) * 1000
                return policy
            }(), webhooks: settings.webhooks, logger: logger)
        let rotation = DKIMRotationService(
            domains: service,
            gate: RotationGate(secondaries: settings.notify.map(ResolverAddress.init), resolvers: settings.resolvers),
            policy: settings.rotation, logger: logger)
        if settings.resolvers.isEmpty {
            logger.notice("no --resolver configured: verify checks our own server only, and domains cannot turn verified")
        }
        // Every stored zone version read in one transaction, not one a domain, and every zone served in one
        // snapshot update.
        let startedServing = SystemClock.monotonicMilliseconds()
        let generated = try publisher.batchingPublication {
            try versions.preloading { try service.publishAll(logger: logger) }
        }
        let skippedNote = generated.skipped > 0 ? "; \(generated.skipped) stored domains are not served (see the errors above)" : ""
        let took = SystemClock.monotonicMilliseconds() - startedServing
        logger.info("serving \(generated.served) domains from \(settings.database) (read and built in \(took) ms)\(skippedNote)")
        keyPool.startFilling()

        if !settings.keyring.isEmpty {
            // Names and algorithms only: a key's description never holds its secret.
            logger.info("TSIG keys \(settings.keyring), transfers allowed to keys \(settings.transferKeys.sorted())")
        }
        let responder = Responder(store: store, options: ResponderOptions(udpPayloadSize: settings.udpPayload,
                                                                          allowTransfer: settings.allowTransfer,
                                                                          keyring: settings.keyring,
                                                                          transferKeys: settings.transferKeys))
        let rateLimitLogger = logger
        let pipeline = QueryPipeline(responder: responder, rateLimit: settings.rateLimit, cookies: settings.cookies,
                                     udpThreads: settings.workers, ownClientCookie: ownCookie, statistics: queryStatistics,
                                     onRateLimit: { line in rateLimitLogger.notice("\(line)") })
        if settings.rateLimit.isEnabled {
            let exempt = settings.rateLimit.exempt.isEmpty ? "" : ", exempt \(settings.rateLimit.exempt.map(\.description).joined(separator: " "))"
            logger.info("response rate limiting: \(settings.rateLimit.rate)/s per /\(settings.rateLimit.ipv4PrefixLength) and /\(settings.rateLimit.ipv6PrefixLength), slip \(settings.rateLimit.slip)\(exempt)")
        } else {
            logger.info("response rate limiting is off")
        }
        logger.info(settings.cookies.enabled
            ? "DNS cookies on (secret rotated every \(settings.cookies.rotationSeconds) s; never required)"
            : "DNS cookies off")
        let descriptors = DNSServer.raiseOpenFileLimit()
        let budget = DescriptorBudget.split(descriptors: descriptors, dnsTCP: settings.tcpMaxConnections,
                                            api: settings.apiLimits.maxConnections)
        let tcpMaxConnections = budget.dnsTCP
        if budget.dnsTCP < settings.tcpMaxConnections {
            logger.warning("--tcp-max-connections \(settings.tcpMaxConnections) does not fit the open-file limit (\(descriptors)): using \(budget.dnsTCP)")
        }
        var fittedLimits = settings.apiLimits
        if budget.api < fittedLimits.maxConnections {
            logger.warning("--api-max-connections \(fittedLimits.maxConnections) does not fit the open-file limit (\(descriptors)): using \(budget.api)")
            fittedLimits.maxConnections = budget.api
        }
        let apiLimits = fittedLimits
        let server = DNSServer(listen: settings.dnsListen, workers: settings.workers, responder: pipeline,
                               logger: logger,
                               options: DNSServer.Options(tcpIdleTimeout: .seconds(settings.tcpIdleTimeout),
                                                          maxTCPConnections: tcpMaxConnections,
                                                          maxTCPConnectionsPerSource: settings.tcpMaxPerSource))
        try server.start()
        defer { server.stop() }
        // Building every zone on every core left the temporaries' pages free but resident in many arenas.
        FreeMemory.release()
        // The catalog's first version is built on its own thread, at nice 10: the DNS server need not wait for it.
        catalog?.start()
        try notifier.start()
        defer { notifier.stop() }
        if !notifier.targets.isEmpty {
            let signed = settings.notifyKey.map { ", signed with TSIG key \($0)" } ?? ""
            logger.info("sending NOTIFY on every zone change to \(notifier.targets.map(\.description).joined(separator: ", "))\(signed)")
        }

        let dispatcher = settings.webhooks.endpoints.isEmpty ? nil
            : WebhookDispatcher(settings: settings.webhooks, database: database, logger: logger)
        if let exporter, let queryStatistics {
            ServerMetrics.register(.init(queries: queryStatistics, tcp: server.tcpStatistics, store: store, loader: loader,
                                         keyPool: keyPool, webhooks: dispatcher, database: database,
                                         notify: notifier.statistics), on: exporter)
        }

        // The HTTP listeners: the API, and the metrics and health checks.
        var services = [AdminAPIServer.application(service: service, verification: verification, rotation: rotation,
                                                   host: settings.apiListen.host, port: Int(settings.apiListen.port),
                                                   limits: apiLimits, logger: logger) { port in
            logger.info("listening", metadata: ["dns": "\(server.boundAddresses.map(\.description))",
                                                "api": "\(settings.apiListen.host):\(port)"])
        }]
        if let exporter, let listen = settings.metricsListen {
            let probe = WritableProbe(database: database)
            services.append(MonitoringServer.application(exporter: exporter, host: listen.host, port: Int(listen.port),
                                                         logger: logger, readiness: {
                var problems: [String] = []
                if server.boundAddresses.isEmpty { problems.append("DNS listeners not bound") }
                if loader.lastLoad.withLock({ $0 }) == nil { problems.append("zones folder not loaded") }
                if let catalog, !catalog.isServed { problems.append("catalog zone not built yet") }
                if let problem = await probe.problem() { problems.append(problem) }
                return problems
            }) { port in
                logger.info("metrics and health checks on http://\(listen.host):\(port)/metrics, /healthz, /readyz")
            })
        }
        // Each listener in a ServiceGroup of its own, stopped by a graceful shutdown (listener closed, requests in
        // flight answered), not by cancellation, which logs errors. One group for both would stop them one after
        // the other and cancel the one still draining should the other end first.
        let listeners = services.map { service in
            var configuration = ServiceGroupConfiguration(services: [.init(service: service)], logger: logger)
            // A request that does not finish (a verify waiting for a check slot) cannot hold the stop up for long.
            configuration.maximumGracefulShutdownDuration = .seconds(10)
            configuration.maximumCancellationDuration = .seconds(5)
            return ServiceGroup(configuration: configuration)
        }

        let events = signals.events
        try await withThrowingTaskGroup(of: Void.self) { group in
            for listener in listeners {
                group.addTask {
                    // Unstructured, so the group's cancellation at stop does not reach it; it shuts down gracefully,
                    // every listener at once.
                    let running = Task { try await listener.run() }
                    try await withTaskCancellationHandler {
                        try await running.value
                    } onCancel: {
                        Task { await listener.triggerGracefulShutdown() }
                    }
                }
            }
            if let dispatcher {
                logger.info("sending webhooks to \(settings.webhooks.endpoints.map(\.absoluteString).joined(separator: ", "))")
                group.addTask { await dispatcher.run() }
            }
            group.addTask { await verification.checkOnOutsideQueries(of: service) }
            group.addTask {
                // First, the zones served from their stored versions are compared with their domains' records.
                await service.refreshStored(logger: logger)
                FreeMemory.release()  // the comparison's temporaries
                // Background verification on the schedule kept in the database.
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(settings.verifyInterval))
                    await verification.runDue(now: SystemClock.wallMilliseconds())
                    await rotation.runDue(now: SystemClock.wallMilliseconds())
                }
            }
            group.addTask {
                for await event in events {
                    if event == .stop { return }
                    logger.info("SIGHUP: reloading \(settings.zones)")
                    loader.load()
                    do {
                        _ = try await service.republishUnserved(logger: logger)
                    } catch {
                        logger.error("cannot read the stored domains that are not served: \(error)")
                    }
                    catalog?.membersChanged()
                }
            }
            // The first to finish decides: a stop signal, or the API failing (such as its port being taken).
            try await group.next()
            logger.info("stopping")
            group.cancelAll()
        }
        withExtendedLifetime(signals) {}
    }
}

extension QueryPipeline: QueryResponder {
    public func respond(to query: UnsafeRawBufferPointer, over transport: Transport, client: ClientAddress?,
                        from peer: PeerAddress?, into response: inout MessageWriter, state: inout ThreadState,
                        continuation: inout (any MessageStream)?) -> Bool {
        respond(to: query, over: transport, client: client, peer: peer?.octets, into: &response, state: &state,
                continuation: &continuation)
    }
}
