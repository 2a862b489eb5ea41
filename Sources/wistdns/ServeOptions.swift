import AdminAPI
import ArgumentParser
import AuthEngine
import DNSServer
import DNSWire
import Platform
import Logging
import MailRecords
import TSIG
import Verification

/// The options of `serve`, and how they combine with the config file and the defaults.
struct ServeOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file; options given here override it.")
    var config: String?

    @Option(name: .long, help: "Folder of master files, one zone per `*.zone` file (default: zones).")
    var zones: String?

    @Option(name: .customLong("dns-listen"),
            help: "HOST:PORT to answer DNS on, IPv6 as [::1]:5300 (repeatable; default 127.0.0.1:5300 and [::1]:5300).")
    var dnsListen: [String] = []

    @Option(name: .customLong("api-listen"), help: "HOST:PORT of the domains API (default 127.0.0.1:8053).")
    var apiListen: String?

    @Option(name: .customLong("metrics-listen"),
            help: "HOST:PORT for /metrics (Prometheus), /healthz and /readyz, without an API key (default: off).")
    var metricsListen: String?

    @Option(name: .customLong("api-request-timeout"),
            help: "Seconds an API connection may take to deliver a whole request, or stay idle between requests (default 10).")
    var apiRequestTimeout: Int?

    @Option(name: .customLong("api-max-connections"),
            help: "API connections open at once; more wait in the listen backlog (default 1024, lowered to fit the open-file limit).")
    var apiMaxConnections: Int?

    @Option(name: .customLong("api-write-rate"),
            help: "Changing API requests (POST, DELETE) per second per API key; 0 turns the limit off (default 20).")
    var apiWriteRate: Double?

    @Option(name: .customLong("api-write-burst"), help: "Changing API requests one key may make at once (default 200).")
    var apiWriteBurst: Int?

    @Option(name: .long, help: "SQLite database file (default \(defaultDatabasePath)); created with mode 0600.")
    var db: String?

    @Option(name: .long, help: "UDP worker threads per address (default: the number of cores).")
    var workers: Int?

    @Option(name: .customLong("udp-payload"), help: "EDNS UDP payload size we advertise and accept (default 1232).")
    var udpPayload: UInt16?

    @Option(name: .customLong("tcp-idle-timeout"), help: "Seconds an idle DNS TCP connection stays open (default 10).")
    var tcpIdleTimeout: Int?

    @Option(name: .customLong("tcp-max-connections"), help: "Open DNS TCP connections at most (default 1000).")
    var tcpMaxConnections: Int?

    @Option(name: .customLong("tcp-max-per-source"),
            help: "Open DNS TCP connections at most from one IPv4 address or IPv6 /64 (default 100).")
    var tcpMaxPerSource: Int?

    @Option(name: .customLong("rrl-rate"),
            help: "Response rate limiting: UDP responses per second per network and response class; 0 turns it off (default \(RateLimitSettings.defaultRate)).")
    var rrlRate: Int?

    @Option(name: .customLong("rrl-slip"),
            help: "Every Nth rate-limited response is sent empty with TC=1 so real clients retry over TCP; 0 drops all (default 2).")
    var rrlSlip: Int?

    @Option(name: .customLong("rrl-exempt"),
            help: "A network (192.0.2.0/24, 2001:db8::/48 or one address) never rate limited (repeatable; default none).")
    var rrlExempt: [String] = []

    @Option(name: .customLong("rrl-ipv4-prefix"), help: "IPv4 prefix length of a rate-limited network (default 24).")
    var rrlIPv4Prefix: Int?

    @Option(name: .customLong("rrl-ipv6-prefix"), help: "IPv6 prefix length of a rate-limited network (default 56).")
    var rrlIPv6Prefix: Int?

    @Option(name: .long, help: "DNS Cookies (RFC 7873, RFC 9018 server cookies): on or off (default on; never required).")
    var cookies: String?

    @Option(name: .customLong("cookie-secret"),
            help: "The cookie master secret, 32 hex digits; give servers behind one address the same (default: random at each start).")
    var cookieSecret: String?

    @Option(name: .customLong("cookie-rotation"),
            help: "Seconds each derived cookie secret is used; the previous one is still accepted (default \(CookieSettings.defaultRotationSeconds)).")
    var cookieRotation: Int?

    @Option(name: .customLong("log-format"), help: "text (default) or json: one JSON object a line, with time, level, message and fields.")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("dkim-key-pool"), help: "DKIM keys generated ahead of time, on every core at nice 10 (default 64).")
    var dkimKeyPool: Int?

    @Option(name: .customLong("resolver"),
            help: "A public resolver HOST[:PORT] that verify asks (repeatable; default none: nothing is sent outside).")
    var resolvers: [String] = []

    @Flag(name: .customLong("probe-private-addresses"),
          help: "Let the delegation probe send to private, loopback and other special addresses found in DNS data (default: only globally routable ones, or only loopback when every resolver is on loopback).")
    var probePrivateAddresses = false

    @Option(name: .customLong("verify-interval"), help: "Seconds between runs of the background verification (default 15).")
    var verifyInterval: Int?

    @Option(name: .customLong("verify-first-check"),
            help: "Seconds after an add before the background job first checks a domain (default 60).")
    var verifyFirstCheck: Int?

    @Option(name: .customLong("tsig-key"),
            help: "A TSIG key NAME:ALGORITHM:BASE64SECRET (hmac-sha1/224/256/384/512; repeatable; default none).")
    var tsigKeys: [String] = []

    @Option(name: .customLong("allow-transfer"),
            help: "An IP address, or the name of a --tsig-key, that may transfer zones over TCP (repeatable; default none: all refused).")
    var allowTransfer: [String] = []

    @Option(name: .customLong("catalog-zone"),
            help: "Name of the catalog zone (RFC 9432) listing every zone served, or none (default catalog.invalid).")
    var catalogZone: String?

    @Option(name: .customLong("notify"),
            help: "A secondary HOST[:PORT] sent NOTIFY on every zone change, IPv6 as [::1]:53 (repeatable; default none).")
    var notify: [String] = []

    @Option(name: .customLong("notify-key"),
            help: "The name of a --tsig-key that signs every NOTIFY; the answers must verify (default: unsigned).")
    var notifyKey: String?

    @Option(name: .customLong("nameserver"), help: "A nameserver of generated zones (repeatable).")
    var nameservers: [String] = []

    @Option(name: .customLong("provider-zone"), help: "A zone customers may not add, nor names below it (repeatable).")
    var providerZones: [String] = []

    @Option(name: .long, help: "SOA mailbox of generated zones, as a name (hostmaster.wistfare.net).")
    var hostmaster: String?

    @Option(name: .customLong("mail-host"), help: "The MX target of generated zones.")
    var mailHost: String?

    @Option(name: .customLong("sending-ipv4"), help: "The IPv4 address mail is sent from ({sendingIPv4} in SPF).")
    var sendingIPv4: String?

    @Option(name: .customLong("spf-template"), help: "SPF value; {sendingIPv4}, {domain} and {mailHost} are replaced.")
    var spfTemplate: String?

    @Option(name: .customLong("dkim-selector"), help: "DKIM selector of generated keys.")
    var dkimSelector: String?

    @Option(name: .customLong("webhook"),
            help: "A URL sent every event (domain.created, domain.verified, dkim.rotated, ...), signed as Standard Webhooks specifies (repeatable; default none).")
    var webhooks: [String] = []

    @Option(name: .customLong("webhook-secret"),
            help: "The webhook signing secret, whsec_ and base64 of at least 16 octets (prefer the config file: the process list shows options).")
    var webhookSecret: String?

    @Flag(name: .customLong("webhook-private-addresses"),
          help: "Let webhook receivers have private, loopback and other special addresses (default: global unicast only).")
    var webhookPrivateAddresses = false

    @Option(name: .customLong("dkim-rotate-after"),
            help: "Rotate each domain's RSA DKIM key once it has been active this many days (default: off, only on request).")
    var dkimRotateAfter: Int?

    @Option(name: .customLong("dkim-retire-after"),
            help: "Seconds a rotated-out DKIM key stays published with an empty p= before it is removed (default 604800, a week).")
    var dkimRetireAfter: Int?

    @Option(name: .customLong("dkim-rotation-check"),
            help: "Seconds between checks of a rotation in progress (default 60).")
    var dkimRotationCheck: Int?

    @Option(name: .customLong("dkim-ed25519-selector"),
            help: "Also publish an Ed25519 DKIM key (RFC 8463) under this selector, beside the RSA one (default: off).")
    var dkimEd25519Selector: String?

    @Option(name: .customLong("dmarc-template"), help: "DMARC value; {domain} is replaced.")
    var dmarcTemplate: String?

    /// Everything `serve` needs, resolved and validated.
    struct Resolved {
        var zones: String
        var dnsListen: [ListenAddress]
        var apiListen: ListenAddress
        /// The metrics and health listener; nil when off (the default), and then nothing is counted.
        var metricsListen: ListenAddress? = nil
        /// The API's limits for hostile or runaway clients.
        var apiLimits = APILimits()
        var database: String
        var workers: Int
        var udpPayload: UInt16
        var tcpIdleTimeout: Int
        var tcpMaxConnections: Int
        var tcpMaxPerSource: Int
        var logLevel: Logger.Level
        /// `--log-format json`: one JSON object a line.
        var jsonLogs = false
        var keyPoolSize: Int
        var resolvers: [ResolverAddress]
        /// Where the delegation probe may send.
        var probeTargets: ProbeTargets = .publicOnly
        /// The timing of DKIM key rotations.
        var rotation = DKIMRotationService.Policy()
        /// The webhook receivers.
        var webhooks = WebhookSettings.none
        var verifyInterval: Int
        var verifyFirstCheck: Int
        var provider: ProviderSettings
        /// The addresses transfers are allowed to (4 or 16 octets; IPv4-mapped IPv6 as IPv4).
        var allowTransfer: Set<[UInt8]> = []
        /// The TSIG keys signed requests are verified with.
        var keyring = TSIGKeyring()
        /// The keys whose validly signed requests may transfer zones, from any address.
        var transferKeys: Set<Name> = []
        /// The catalog zone's name; nil when no catalog is served.
        var catalogZone: Name?
        /// The secondaries sent NOTIFY on every zone change.
        var notify: [HostPort] = []
        /// The key every NOTIFY is signed with; nil for unsigned NOTIFY.
        var notifyKey: TSIGKey?
        /// Response rate limiting of UDP answers.
        var rateLimit = RateLimitSettings()
        /// DNS Cookies.
        var cookies = CookieSettings()

        /// Our own DNS listener as verify queries it: the first listen address, loopback when it is a wildcard.
        var ownServer: ResolverAddress {
            get throws {
                let first = dnsListen[0]
                let host = first.isWildcard ? (first.family == .ipv4 ? "127.0.0.1" : "::1") : first.host
                return try ResolverAddress(first.family == .ipv4 ? "\(host):\(first.port)" : "[\(host)]:\(first.port)")
            }
        }
    }

    /// The keyring of `--tsig-key` specs. Errors name the problem, never the secret.
    static func keyring(_ specs: [String]) throws -> TSIGKeyring {
        do {
            return try TSIGKeyring(specs.map { spec throws(TSIGKeyError) in try TSIGKey(spec: spec) })
        } catch {
            throw ValidationError("--tsig-key: \(error)")
        }
    }

    /// The response rate limiting settings: options over the config file over the defaults.
    func rateLimitSettings(_ file: ConfigFile) throws -> RateLimitSettings {
        let rate = rrlRate ?? file.rrlRate ?? RateLimitSettings.defaultRate
        let slip = rrlSlip ?? file.rrlSlip ?? 2
        let ipv4 = rrlIPv4Prefix ?? file.rrlIPv4Prefix ?? 24
        let ipv6 = rrlIPv6Prefix ?? file.rrlIPv6Prefix ?? 56
        guard rate >= 0 else { throw ValidationError("--rrl-rate cannot be negative") }
        guard (0 ... 100).contains(slip) else { throw ValidationError("--rrl-slip is 0 to 100") }
        guard (1 ... 32).contains(ipv4), (1 ... 128).contains(ipv6) else {
            throw ValidationError("--rrl-ipv4-prefix is 1 to 32 and --rrl-ipv6-prefix 1 to 128")
        }
        let exempt = try (!rrlExempt.isEmpty ? rrlExempt : (file.rrlExempt ?? [])).map { text in
            guard let prefix = AddressPrefix(text) else {
                throw ValidationError("--rrl-exempt \(text): not an address or ADDRESS/LENGTH")
            }
            return prefix
        }
        return RateLimitSettings(rate: rate, slip: slip, ipv4PrefixLength: ipv4, ipv6PrefixLength: ipv6,
                                 exempt: exempt)
    }

    /// The DNS Cookie settings: options over the config file over the defaults.
    func cookieSettings(_ file: ConfigFile) throws -> CookieSettings {
        let mode = cookies ?? file.cookies.map { $0 ? "on" : "off" } ?? "on"
        guard mode == "on" || mode == "off" else { throw ValidationError("--cookies takes on or off") }
        let rotation = cookieRotation ?? file.cookieRotation ?? Int(CookieSettings.defaultRotationSeconds)
        guard rotation >= 1 else { throw ValidationError("--cookie-rotation is at least 1 second") }
        var secret: [UInt8]?
        if let text = cookieSecret ?? file.cookieSecret {
            let digits = Array(text.utf8)
            let values = digits.compactMap { UInt8(String(UnicodeScalar($0)), radix: 16) }
            guard digits.count == 32, values.count == 32 else {
                throw ValidationError("--cookie-secret is 32 hex digits (16 octets)")
            }
            secret = stride(from: 0, to: 32, by: 2).map { values[$0] << 4 | values[$0 + 1] }
        }
        return CookieSettings(enabled: mode == "on", secret: secret, rotationSeconds: UInt64(rotation))
    }

    func resolve() throws -> Resolved {
        let file = try ConfigFile.load(config)
        func address(_ text: String, _ option: String) throws -> ListenAddress {
            do { return try ListenAddress(text) } catch { throw ValidationError("\(option) \(text): \(error)") }
        }
        var provider = file.provider ?? ProviderSettings()
        if !nameservers.isEmpty { provider.nameservers = nameservers }
        if !providerZones.isEmpty { provider.providerZones = providerZones }
        if let hostmaster { provider.hostmaster = hostmaster }
        if let mailHost { provider.mailHost = mailHost }
        if let sendingIPv4 { provider.sendingIPv4 = sendingIPv4 }
        if let spfTemplate { provider.spfTemplate = spfTemplate }
        if let dkimSelector { provider.dkimSelector = dkimSelector }
        if let dkimEd25519Selector { provider.dkimEd25519Selector = dkimEd25519Selector }
        if let dmarcTemplate { provider.dmarcTemplate = dmarcTemplate }
        do { try provider.validate() } catch { throw ValidationError("provider settings: \(error)") }

        let dnsTexts = !dnsListen.isEmpty ? dnsListen : (file.dnsListen ?? ["127.0.0.1:5300", "[::1]:5300"])
        let levelText = logLevel ?? file.logLevel ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("unknown log level \(levelText)") }
        var resolved = Resolved(
            zones: zones ?? file.zones ?? "zones",
            dnsListen: try dnsTexts.map { try address($0, "--dns-listen") },
            apiListen: try address(apiListen ?? file.apiListen ?? "127.0.0.1:8053", "--api-listen"),
            database: db ?? file.db ?? defaultDatabasePath,
            workers: workers ?? file.workers ?? DNSServer.processorCount,
            udpPayload: udpPayload ?? file.udpPayload ?? 1232,
            tcpIdleTimeout: tcpIdleTimeout ?? file.tcpIdleTimeout ?? 10,
            tcpMaxConnections: tcpMaxConnections ?? file.tcpMaxConnections ?? 1000,
            tcpMaxPerSource: tcpMaxPerSource ?? file.tcpMaxPerSource ?? 100,
            logLevel: level,
            keyPoolSize: dkimKeyPool ?? file.dkimKeyPool ?? 64,
            resolvers: try (!resolvers.isEmpty ? resolvers : (file.resolvers ?? [])).map { text in
                do { return try ResolverAddress(text) } catch { throw ValidationError("--resolver \(text): \(error)") }
            },
            verifyInterval: verifyInterval ?? file.verifyInterval ?? 15,
            verifyFirstCheck: verifyFirstCheck ?? file.verifyFirstCheck ?? 60,
            provider: provider
        )
        switch logFormat ?? file.logFormat ?? "text" {
        case "text": resolved.jsonLogs = false
        case "json": resolved.jsonLogs = true
        case let other: throw ValidationError("--log-format is text or json, not \(other)")
        }
        if let text = metricsListen ?? file.metricsListen { resolved.metricsListen = try address(text, "--metrics-listen") }
        resolved.apiLimits.requestTimeout = apiRequestTimeout ?? file.apiRequestTimeout ?? resolved.apiLimits.requestTimeout
        resolved.apiLimits.maxConnections = apiMaxConnections ?? file.apiMaxConnections ?? resolved.apiLimits.maxConnections
        resolved.apiLimits.writeRate = apiWriteRate ?? file.apiWriteRate ?? resolved.apiLimits.writeRate
        resolved.apiLimits.writeBurst = apiWriteBurst ?? file.apiWriteBurst ?? resolved.apiLimits.writeBurst
        guard (1 ... 3600).contains(resolved.apiLimits.requestTimeout) else {
            throw ValidationError("--api-request-timeout is 1 to 3600 seconds")
        }
        guard resolved.apiLimits.maxConnections >= 1 else { throw ValidationError("--api-max-connections is at least 1") }
        guard resolved.apiLimits.writeRate == 0 || APILimits.writeRates.contains(resolved.apiLimits.writeRate),
              (1 ... 1_000_000).contains(resolved.apiLimits.writeBurst) else {
            throw ValidationError("--api-write-rate is 0 (off) or from \(APILimits.writeRates.lowerBound) to "
                + "\(Int(APILimits.writeRates.upperBound)) a second, and --api-write-burst from 1 to 1000000")
        }
        do {
            resolved.webhooks = try WebhookSettings(urls: !webhooks.isEmpty ? webhooks : (file.webhooks ?? []),
                                                    secret: webhookSecret ?? file.webhookSecret,
                                                    allowPrivateAddresses: webhookPrivateAddresses || file.webhookPrivateAddresses == true)
        } catch {
            throw ValidationError("\(error)")
        }
        if let days = dkimRotateAfter ?? file.dkimRotateAfter {
            guard (1 ... 3650).contains(days) else { throw ValidationError("--dkim-rotate-after is 1 to 3650 days") }
            resolved.rotation.rotateAfter = Int64(days) * 86_400_000
        }
        let retire = dkimRetireAfter ?? file.dkimRetireAfter ?? 604_800
        let check = dkimRotationCheck ?? file.dkimRotationCheck ?? 60
        guard (0 ... 31_536_000).contains(retire), (1 ... 86_400).contains(check) else {
            throw ValidationError("--dkim-retire-after is 0 to 31536000 seconds and --dkim-rotation-check 1 to 86400")
        }
        resolved.rotation.retireAfter = Int64(retire) * 1000
        resolved.rotation.checkEvery = Int64(check) * 1000
        resolved.probeTargets = .forResolvers(resolved.resolvers,
                                              allowPrivate: probePrivateAddresses || file.probePrivateAddresses == true)
        resolved.keyring = try Self.keyring(!tsigKeys.isEmpty ? tsigKeys : (file.tsigKeys ?? []))
        for text in !allowTransfer.isEmpty ? allowTransfer : (file.allowTransfer ?? []) {
            if let octets = IPAddressText.parse(text, family: .ipv4) ?? IPAddressText.parse(text, family: .ipv6) {
                resolved.allowTransfer.insert(PeerAddress(octets: octets, port: 0).octets)
            } else if let key = (try? Name(text.hasSuffix(".") ? text : text + ".")).flatMap({ resolved.keyring[$0] }) {
                resolved.transferKeys.insert(key.name)
            } else {
                throw ValidationError("--allow-transfer \(text): neither an IP address nor the name of a --tsig-key")
            }
        }
        let catalogText = catalogZone ?? file.catalogZone ?? "catalog.invalid"
        if catalogText != "none" {
            do {
                resolved.catalogZone = try Name(catalogText.hasSuffix(".") ? catalogText : catalogText + ".")
            } catch {
                throw ValidationError("--catalog-zone \(catalogText): \(error)")
            }
            guard resolved.catalogZone?.isRoot == false else { throw ValidationError("the catalog zone cannot be the root") }
        }
        resolved.notify = try (!notify.isEmpty ? notify : (file.notify ?? [])).map { text in
            do { return try HostPort(text, defaultPort: 53, allowsPortZero: false) } catch {
                throw ValidationError("--notify \(text): \(error)")
            }
        }
        if let text = notifyKey ?? file.notifyKey {
            guard let key = (try? Name(text.hasSuffix(".") ? text : text + ".")).flatMap({ resolved.keyring[$0] }) else {
                throw ValidationError("--notify-key \(text): not the name of a --tsig-key")
            }
            resolved.notifyKey = key
        }
        resolved.rateLimit = try rateLimitSettings(file)
        resolved.cookies = try cookieSettings(file)
        guard resolved.workers >= 1 else { throw ValidationError("workers must be at least 1") }
        guard resolved.udpPayload >= 512 else { throw ValidationError("the UDP payload size must be at least 512") }
        guard resolved.tcpIdleTimeout >= 1, resolved.tcpMaxConnections >= 1, resolved.tcpMaxPerSource >= 1 else {
            throw ValidationError("TCP idle timeout and connection caps must be at least 1")
        }
        guard resolved.tcpIdleTimeout <= 86_400 else { throw ValidationError("the TCP idle timeout is at most 86400 seconds") }
        guard resolved.verifyFirstCheck >= 0 else { throw ValidationError("the first check delay cannot be negative") }
        guard resolved.verifyInterval >= 1 else { throw ValidationError("the verify interval is at least 1 second") }
        guard (1 ... 1024).contains(resolved.keyPoolSize) else { throw ValidationError("the DKIM key pool holds 1 to 1024 keys") }
        return resolved
    }
}
