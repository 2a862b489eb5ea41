import AdminAPI
import AuthEngine
import DKIMKeys
import DNSServer
import Notify
import Storage
import Telemetry

/// The server's own metrics, read at each scrape of `--metrics-listen`: the DNS threads' counters (per-thread
/// blocks summed now), TCP connections, zones and snapshots, the last reload, the DKIM key pool and the webhook
/// outbox. The API's request metrics, verification results, SQLite write and key generation times reach the
/// same registry through swift-metrics. docs/operations.md lists every metric.
enum ServerMetrics {
    struct Sources {
        let queries: QueryStatistics
        let tcp: TCPStatistics
        let store: ZoneStore
        let loader: ZoneLoader
        let keyPool: DKIMKeyPool
        let webhooks: WebhookDispatcher?
        let database: Database
        let notify: NotifyStatistics
    }

    /// Label values as the exporter takes them: one label each.
    @Sendable private static func labelled(_ pairs: [(String, UInt64)]) -> [([String], UInt64)] { pairs.map { ([$0.0], $0.1) } }

    static func register(_ sources: Sources, on exporter: MetricsExporter) {
        let queries = sources.queries
        exporter.counter("wistdns_dns_queries", help: "DNS messages received, by transport.", labels: ["transport"]) {
            labelled(queries.totals().byTransport)
        }
        exporter.counter("wistdns_dns_queries_by_type", help: "DNS queries that parsed, by QTYPE (a fixed set, then other).",
                         labels: ["qtype"]) { labelled(queries.totals().byQuestionType) }
        exporter.counter("wistdns_dns_responses", help: "DNS responses sent, by RCODE.", labels: ["rcode"]) {
            labelled(queries.totals().byRcode)
        }
        exporter.counter("wistdns_dns_truncated_responses", help: "DNS responses sent with TC set.") {
            queries.totals().truncated
        }
        exporter.counter("wistdns_dns_dropped", help: "DNS messages that got no answer (unreadable, a response, rate limited).") {
            queries.totals().dropped
        }
        exporter.counter("wistdns_dns_rate_limited", help: "Response rate limiting's actions over UDP.", labels: ["action"]) {
            labelled(queries.totals().rateLimited)
        }
        exporter.counter("wistdns_dns_cookies", help: "Queries with a COOKIE option, by what it held.", labels: ["cookie"]) {
            labelled(queries.totals().cookies)
        }
        exporter.counter("wistdns_dns_transfers", help: "Zone transfer requests, by type and result.", labels: ["type", "result"]) {
            queries.totals().transfers.map { ([$0.0, $0.1], $0.2) }
        }
        let tcp = sources.tcp
        exporter.gauge("wistdns_dns_tcp_connections", help: "DNS TCP connections open now.") { Double(tcp.openCount) }
        exporter.counter("wistdns_dns_tcp_connections_accepted", help: "DNS TCP connections accepted.") { tcp.acceptedCount }
        exporter.counter("wistdns_dns_tcp_connections_closed", help: "DNS TCP connections closed by the server, by reason.",
                         labels: ["reason"]) {
            [(["evicted"], tcp.evictedCount), (["per_source_cap"], tcp.refusedPerSourceCount), (["idle"], tcp.idleClosedCount)]
        }
        let store = sources.store
        exporter.gauge("wistdns_zones_served", help: "Zones served now (files, API domains, the catalog).") {
            Double(store.snapshot.count)
        }
        exporter.counter("wistdns_zone_snapshot_publishes", help: "Snapshots of the served zones published.") {
            store.publishCount
        }
        let loader = sources.loader
        exporter.gauge("wistdns_zones_reload_failures", help: "Zone files that failed at the last load of the zones folder.") {
            Double(loader.lastLoad.withLock { $0?.failures ?? 0 })
        }
        exporter.gauge("wistdns_zones_reload_timestamp_seconds", help: "When the zones folder was last loaded (UNIX time).") {
            loader.lastLoad.withLock { $0?.at ?? 0 }
        }
        let notify = sources.notify
        exporter.counter("wistdns_notify_messages", help: "NOTIFYs to each secondary: sent first, sent again, answered, given up.",
                         labels: ["secondary", "event"]) {
            notify.bySecondary.sorted { $0.key < $1.key }.flatMap { secondary, counts in
                [([secondary, "sent"], counts.sent), ([secondary, "retried"], counts.retried),
                 ([secondary, "answered"], counts.answered), ([secondary, "given_up"], counts.givenUp)]
            }
        }
        let keyPool = sources.keyPool
        exporter.gauge("wistdns_dkim_keys_pooled", help: "RSA DKIM keys generated ahead and ready for new domains.") {
            Double(keyPool.readyCount)
        }
        if let webhooks = sources.webhooks {
            let database = sources.database
            exporter.counter("wistdns_webhooks_dropped", help: "Webhook messages dropped after 24 hours of failed deliveries.") {
                UInt64(webhooks.droppedCount)
            }
            // By the receiver's place in --webhook and its host: never the whole URL, whose path or query may hold a
            // token, on a listener without an API key.
            exporter.gauge("wistdns_webhooks_pending", help: "Webhook messages waiting in the outbox, by receiver.",
                           labels: ["receiver", "host"]) {
                let pending = (try? database.pendingWebhooks()) ?? [:]
                return webhooks.settings.endpoints.enumerated().map { index, url in
                    (["\(index + 1)", url.host ?? ""], Double(pending[url.absoluteString] ?? 0))
                }
            }
        }
    }
}
