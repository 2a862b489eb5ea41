import Dispatch
import Hummingbird
import Logging
import ServiceLifecycle

/// The operator's listener (`--metrics-listen`): `GET /metrics` in the Prometheus text format, `GET /healthz`
/// (the process answers) and `GET /readyz` (200 when `readiness` finds nothing wrong, else 503 with the reasons).
/// No API key: it shows counts, never customer data, and listens on loopback unless configured otherwise.
public enum MonitoringServer {
    /// Where scrapes are rendered, one at a time.
    private static let renderQueue = DispatchQueue(label: "wistdns.metrics")

    /// The listener as a service of swift-service-lifecycle (run it in a `ServiceGroup`). `readiness` returns what
    /// keeps the server from being ready (empty when ready); `onRunning` gets the bound port.
    public static func application(exporter: MetricsExporter, host: String, port: Int, logger: Logger,
                                   readiness: @escaping @Sendable () async -> [String],
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        let router = Router()
        router.get("/metrics") { _, _ in
            // Off the cooperative pool: some read functions block (a SQLite count of the webhook outbox).
            let text = await withCheckedContinuation { continuation in
                renderQueue.async { continuation.resume(returning: exporter.render()) }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let problems = await readiness()
            let text = problems.isEmpty ? "ready\n" : problems.map { $0 + "\n" }.joined()
            return Response(status: problems.isEmpty ? .ok : .serviceUnavailable,
                            headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "wistdns"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        return app
    }
}
