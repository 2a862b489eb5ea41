import Hummingbird
import Logging

/// Runs the domains API over HTTP/1.1 until the surrounding task is cancelled.
public enum AdminAPIServer {
    /// Serves `service` on `host:port` (port 0 picks a free port). `onRunning` receives the bound port once the
    /// server accepts connections.
    public static func run(service: DomainService, verification: VerificationService, host: String, port: Int, logger: Logger,
                           onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(
            router: Routes.router(service: service, verification: verification),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "wistdns"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        try await app.run()
    }
}
