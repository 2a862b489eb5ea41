import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The domains API over HTTP/1.1.
public enum AdminAPIServer {
    /// Serves `service` on `host:port` (port 0 picks a free port) within `limits` until the surrounding task is
    /// cancelled. `onRunning` receives the bound port once the server accepts connections.
    public static func run(service: DomainService, verification: VerificationService, rotation: DKIMRotationService,
                           host: String, port: Int,
                           limits: APILimits = APILimits(), logger: Logger,
                           onRunning: @escaping @Sendable (Int) -> Void) async throws {
        try await application(service: service, verification: verification, rotation: rotation, host: host, port: port,
                              limits: limits, logger: logger, onRunning: onRunning).run()
    }

    /// The API as a service of swift-service-lifecycle, for a `ServiceGroup` that shuts it down gracefully
    /// (listener closed, requests in flight answered) rather than by cancellation.
    public static func application(service: DomainService, verification: VerificationService,
                                   rotation: DKIMRotationService, host: String, port: Int,
                                   limits: APILimits = APILimits(), logger: Logger,
                                   onRunning: @escaping @Sendable (Int) -> Void) -> any Service {
        let timeout = TimeAmount.seconds(Int64(limits.requestTimeout))
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(timeout: timeout)],
            idleTimeout: timeout,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderFieldSize,
                                            maxHeaderListSize: limits.maxHeaderListSize,
                                            maxHeaderFieldCount: limits.maxHeaderFieldCount))
        let app = Application(
            router: Routes.router(service: service, verification: verification, rotation: rotation,
                                  writeLimiter: WriteRateLimiter(rate: limits.writeRate, burst: limits.writeBurst)),
            server: .http1(configuration: http),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "wistdns", backlog: limits.backlog,
                availableConnectionsDelegate: .maximum(limits.maxConnections, logger: logger)),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        return app
    }
}
