import Synchronization
import Telemetry
import Testing

/// A value the test moves between scrapes.
private final class Value: Sendable {
    let number = Atomic<UInt64>(0)
}

@Suite("The metrics exporter")
struct MetricsExporterTests {
    @Test("a counter read at each scrape shows the value read, only grows, and has its help, type and labels")
    func counters() {
        let exporter = MetricsExporter()
        let udp = Value(), tcp = Value()
        exporter.counter("wistdns_test_queries", help: "Queries.", labels: ["transport"]) {
            [(["udp"], udp.number.load(ordering: .relaxed)), (["tcp"], tcp.number.load(ordering: .relaxed))]
        }
        func text() -> String { String(decoding: exporter.render(), as: UTF8.self) }
        var scraped = text()
        #expect(scraped.contains("# HELP wistdns_test_queries_total Queries."))
        #expect(scraped.contains("# TYPE wistdns_test_queries_total counter"))
        #expect(scraped.contains(#"wistdns_test_queries_total{transport="udp"} 0"#), "a series shows from the first scrape")
        udp.number.store(5, ordering: .relaxed)
        tcp.number.store(2, ordering: .relaxed)
        scraped = text()
        #expect(scraped.contains(#"wistdns_test_queries_total{transport="udp"} 5"#))
        #expect(scraped.contains(#"wistdns_test_queries_total{transport="tcp"} 2"#))
        udp.number.store(12, ordering: .relaxed)
        #expect(text().contains(#"wistdns_test_queries_total{transport="udp"} 12"#))
        #expect(text().contains(#"wistdns_test_queries_total{transport="udp"} 12"#), "a scrape with no change shows the same")
    }

    @Test("a gauge shows the value read at the scrape, down as well as up")
    func gauges() {
        let exporter = MetricsExporter()
        let open = Value()
        exporter.gauge("wistdns_test_open", help: "Open now.") { Double(open.number.load(ordering: .relaxed)) }
        open.number.store(7, ordering: .relaxed)
        #expect(String(decoding: exporter.render(), as: UTF8.self).contains("wistdns_test_open 7.0"))
        open.number.store(3, ordering: .relaxed)
        let scraped = String(decoding: exporter.render(), as: UTF8.self)
        #expect(scraped.contains("wistdns_test_open 3.0") && scraped.contains("# TYPE wistdns_test_open gauge"))
    }
}
