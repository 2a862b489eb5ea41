import Prometheus
import Synchronization

/// The process's Prometheus registry, and the values it reads from the rest of the server at each scrape.
///
/// Counters the DNS threads keep for themselves (per-thread blocks, summed when read) and gauges of the current
/// state (zones served, connections open) are registered here as read functions: `render()` calls each, brings
/// the registry's counters up to the value read (they only grow) and sets the gauges, then writes the text
/// exposition format. Metrics the API records through swift-metrics land in the same registry
/// (`PrometheusMetricsFactory(registry:)`).
public final class MetricsExporter: Sendable {
    /// The registry every metric of the process is in.
    public let registry: PrometheusCollectorRegistry
    private let sources = Mutex<[Source]>([])
    /// What each counter series showed at the last scrape, by name and label values.
    private let shown = Mutex<[String: UInt64]>([:])

    private enum Source {
        case counter(name: String, help: String, labels: [String], read: @Sendable () -> [([String], UInt64)])
        case gauge(name: String, help: String, labels: [String], read: @Sendable () -> [([String], Double)])
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The swift-metrics factory that records into `registry` (bootstrap `MetricsSystem` with it). It renames
    /// Hummingbird's request metrics into the server's own names: `wistdns_api_requests_total`,
    /// `wistdns_api_request_errors_total`, `wistdns_api_request_duration_seconds` and
    /// `wistdns_api_active_requests`, labelled `route`, `method` and `status`.
    public func metricsFactory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            let names = ["hb.requests": "wistdns_api_requests_total", "hb.request.errors": "wistdns_api_request_errors_total",
                         "http.server.request.duration": "wistdns_api_request_duration_seconds",
                         "http.server.active_requests": "wistdns_api_active_requests"]
            let labelNames = ["http.route": "route", "http.request.method": "method",
                              "http.response.status_code": "status", "error.type": "status"]
            return (names[name] ?? name, labels.map { (labelNames[$0.0] ?? $0.0, $0.1) })
        }
        return factory
    }

    /// Registers a counter read at each scrape: `name` without its `_total` suffix, one value per set of label
    /// values (in the order of `labels`). A value never goes down (a counter).
    public func counter(_ name: String, help: String, labels: [String] = [],
                        read: @escaping @Sendable () -> [([String], UInt64)]) {
        sources.withLock { $0.append(.counter(name: name, help: help, labels: labels, read: read)) }
    }

    /// Registers a counter with no labels.
    public func counter(_ name: String, help: String, read: @escaping @Sendable () -> UInt64) {
        counter(name, help: help, labels: []) { [([], read())] }
    }

    /// Registers a gauge read at each scrape, one value per set of label values.
    public func gauge(_ name: String, help: String, labels: [String] = [],
                      read: @escaping @Sendable () -> [([String], Double)]) {
        sources.withLock { $0.append(.gauge(name: name, help: help, labels: labels, read: read)) }
    }

    /// Registers a gauge with no labels.
    public func gauge(_ name: String, help: String, read: @escaping @Sendable () -> Double) {
        gauge(name, help: help, labels: []) { [([], read())] }
    }

    /// Reads every registered source into the registry and returns the text exposition format.
    public func render() -> [UInt8] {
        let sources = sources.withLock { $0 }
        shown.withLock { shown in
            for source in sources {
                switch source {
                case let .counter(name, help, labels, read):
                    let descriptor = MetricNameDescriptor(metricName: name, unitName: "total", helpText: help)
                    for (values, value) in read() {
                        let pairs = Array(zip(labels, values))
                        let key = name + "\u{0}" + values.joined(separator: "\u{0}")
                        let previous = shown[key] ?? 0
                        // Always made, so a series shows from the first scrape, at 0 until it moves.
                        let counter = registry.makeCounter(descriptor: descriptor, labels: pairs)
                        if value > previous {
                            counter.increment(by: Int64(clamping: value - previous))
                            shown[key] = value
                        }
                    }
                case let .gauge(name, help, labels, read):
                    let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
                    for (values, value) in read() {
                        registry.makeGauge(descriptor: descriptor, labels: Array(zip(labels, values))).set(value)
                    }
                }
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
