// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "WistDNS",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wistdns", targets: ["wistdns"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        // Hummingbird's own transport: the API's channel handler and HTTP parse errors.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        // Metrics: the swift-metrics API (the API's request metrics) and its Prometheus registry and text format.
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // Hummingbird's own lifecycle: the HTTP listeners shut down gracefully at SIGTERM.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        // Pure wire codec: names, records, messages. No I/O, standard library only.
        .target(name: "DNSWire"),
        // Master-file (RFC 1035 section 5) parser producing DNSWire records.
        .target(name: "ZoneFile", dependencies: ["DNSWire"]),
        // Immutable zone snapshots and the authoritative answer logic.
        .target(
            name: "AuthEngine",
            dependencies: [
                "DNSWire", "TSIG", "Platform",
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ]
        ),
        // What Glibc does not export to Swift: recvmmsg/sendmmsg, CMSG helpers, packet info, epoll.
        .target(name: "CSocketShims"),
        // The POSIX layer every thread and socket user shares: threads (with nice), wake-ups (eventfd, semaphore),
        // owned descriptors, client sockets, listen and socket addresses, the clocks, system-call errors.
        .target(name: "Platform", dependencies: ["DNSWire", "CSocketShims"]),
        // POSIX UDP/TCP listeners on dedicated threads. The engine plugs in through `QueryResponder`.
        .target(
            name: "DNSServer",
            dependencies: [
                "DNSWire", "CSocketShims", "Platform",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // NOTIFY (RFC 1996) to secondaries on every zone change, from its own thread, with retries and backoff.
        .target(
            name: "Notify",
            dependencies: [
                "DNSWire", "Platform", "TSIG",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The system libidn2 (libidn2-dev): IDNA2008 with UTS #46 mapping, for the names customers type.
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        // The system libpsl (libpsl-dev): the Public Suffix List, so no customer adds a name like co.uk.
        .systemLibrary(name: "CPSL", pkgConfig: "libpsl", providers: [.apt(["libpsl-dev"])]),
        // Turns a domain's mail policy into DNS records; domain-name validation and IDNA.
        .target(name: "MailRecords", dependencies: ["DNSWire", "CIDN2", "CPSL"]),
        // The system OpenSSL (libssl-dev), imported through a small shim header.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // DKIM key generation, hashing and randomness (OpenSSL is used here and by TSIG only).
        .target(
            name: "DKIMKeys",
            dependencies: ["COpenSSL", "DNSWire", "Platform", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        // TSIG (RFC 8945): keys, request verification, signed answers and zone transfers, signed requests.
        .target(name: "TSIG", dependencies: ["DNSWire", "COpenSSL"]),
        // The stub resolver client and the checks of a domain's records against our server and public resolvers.
        .target(name: "Verification", dependencies: ["DNSWire", "MailRecords", "Platform"]),
        // SQLite state (GRDB over the system libsqlite3): schema, migrations, queries.
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Generated zones as a primary serves them: serials and IXFR journal in SQLite, the catalog zone.
        .target(
            name: "Publishing",
            dependencies: [
                "AuthEngine", "DNSWire", "Platform", "Storage",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The domains API over HTTP.
        .target(
            name: "AdminAPI",
            dependencies: [
                "Storage", "MailRecords", "DKIMKeys", "DNSWire", "Platform", "Verification", "ZoneFile",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The operator's side: the Prometheus registry read at each scrape, and the /metrics, /healthz and /readyz
        // listener.
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The fuzz harnesses of the parsers that face untrusted input (scripts/fuzz drives them with libFuzzer;
        // FuzzingTests replays their corpora).
        .target(
            name: "Fuzzing",
            dependencies: ["AuthEngine", "DNSServer", "DNSWire", "TSIG", "ZoneFile", "AdminAPI", "MailRecords"]
        ),
        // The CPU cost of the query pipeline's steps, without sockets (scripts/bench-pipeline).
        .executableTarget(name: "pipeline-bench", dependencies: ["AuthEngine", "DNSWire", "ZoneFile"]),
        .executableTarget(
            name: "wistdns",
            dependencies: [
                "DNSWire", "ZoneFile", "AuthEngine", "DNSServer", "MailRecords", "DKIMKeys", "Storage", "AdminAPI",
                "Verification", "Publishing", "Notify", "TSIG", "Telemetry", "Platform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "DNSWire"]),
        .testTarget(name: "ZoneFileTests", dependencies: ["ZoneFile", "DNSWire"]),
        .testTarget(name: "AuthEngineTests", dependencies: ["AuthEngine", "ZoneFile", "DNSWire", "TSIG", "Platform"]),
        .testTarget(
            name: "DNSServerTests",
            dependencies: ["DNSServer", "DNSWire", "Platform", "CSocketShims", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "NotifyTests",
            dependencies: ["Notify", "DNSWire", "Platform", "TSIG", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "MailRecordsTests", dependencies: ["MailRecords", "DNSWire"]),
        .testTarget(name: "DKIMKeysTests", dependencies: ["DKIMKeys"]),
        .testTarget(name: "TSIGTests", dependencies: ["TSIG", "DNSWire", "Platform"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "AdminAPITests",
            dependencies: [
                "AdminAPI", "Storage", "MailRecords", "DKIMKeys", "DNSWire", "Platform", "Verification", "Publishing",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PublishingTests",
            dependencies: ["Publishing", "AuthEngine", "Storage", "DNSWire", "Platform", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "DNSWire", "MailRecords", "Platform"]),
        .testTarget(name: "IntegrationTests", dependencies: ["DNSWire"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "DNSWire", "TSIG"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
    ]
)
