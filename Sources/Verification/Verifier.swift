import DNSWire
import MailRecords

/// Checks a domain's expected mail records against our own DNS server and the configured public resolvers,
/// and its delegation from the parent zone.
public struct Verifier: Sendable {
    /// Our own DNS listener.
    public let ownServer: ResolverAddress
    /// The public resolvers (RD set); empty means public checks are not configured.
    public let resolvers: [ResolverAddress]
    /// Our nameservers, lowercased, no trailing dot.
    public let nameservers: [String]
    /// The stub client used for every query.
    public let client: StubResolver
    /// How many queries run at once.
    let parallelism: Int
    /// The port parent-zone servers are asked on (53; tests use another).
    let parentPort: UInt16
    /// The addresses the delegation probe may send to.
    public let probeTargets: ProbeTargets
    /// True for a zone WistDNS serves: never accepted as the parent of a domain.
    let isOwnZone: @Sendable (Name) -> Bool
    /// The client for our own server: `client` with `ownClientCookie`, so our server knows its own questions.
    let ownClient: StubResolver

    /// A verifier asking `ownServer` with RD clear and each of `resolvers` with RD set. The delegation probe sends
    /// only to `probeTargets` (by default: globally routable addresses, or loopback ones when every resolver is
    /// on loopback) and refuses a parent zone for which `isOwnZone` is true.
    public init(ownServer: ResolverAddress, resolvers: [ResolverAddress], nameservers: [String],
                client: StubResolver = StubResolver(), probeTargets: ProbeTargets? = nil,
                isOwnZone: @escaping @Sendable (Name) -> Bool = { _ in false }, ownClientCookie: UInt64? = nil) {
        self.init(ownServer: ownServer, resolvers: resolvers, nameservers: nameservers, client: client,
                  parallelism: 8, parentPort: 53, probeTargets: probeTargets, isOwnZone: isOwnZone,
                  ownClientCookie: ownClientCookie)
    }

    init(ownServer: ResolverAddress, resolvers: [ResolverAddress], nameservers: [String], client: StubResolver,
         parallelism: Int, parentPort: UInt16, probeTargets: ProbeTargets? = nil,
         isOwnZone: @escaping @Sendable (Name) -> Bool = { _ in false }, ownClientCookie: UInt64? = nil) {
        self.ownServer = ownServer
        self.resolvers = resolvers
        self.nameservers = nameservers.map(RecordComparison.host)
        self.client = client
        self.parallelism = max(1, parallelism)
        self.parentPort = parentPort
        self.probeTargets = probeTargets ?? .forResolvers(resolvers, allowPrivate: false)
        self.isOwnZone = isOwnZone
        ownClient = StubResolver(timeout: client.timeout, retries: client.retries, clientCookie: ownClientCookie)
    }

    /// Checks every expected record against our own server (RD clear, over UDP then TCP on TC: a real query, not
    /// an in-memory lookup) and every resolver (RD set), concurrently with bounded parallelism, plus the
    /// delegation when resolvers are configured.
    public func verify(domain: String, expected: [PublishedRecord]) async -> VerificationReport {
        let domainName = RecordComparison.host(domain)
        async let delegation = checkDelegation(domainName)
        let checks = await checkRecords(expected)
        let publicConfigured = !resolvers.isEmpty
        let ownUnreachable = checks.contains { [.timeout, .servfail, .error].contains($0.own.outcome) }
        let noResolverReached = publicConfigured && !checks.isEmpty
            && !checks.contains { $0.resolvers.contains { $0.outcome.reached } }
        return VerificationReport(domain: domainName, records: checks, delegation: await delegation,
                                  publicConfigured: publicConfigured,
                                  temporaryFailure: ownUnreachable || noResolverReached)
    }

    private func checkDelegation(_ domain: String) async -> DelegationCheck? {
        guard !resolvers.isEmpty else { return nil }
        let probe = DelegationProbe(resolvers: resolvers, client: client, parentPort: parentPort,
                                    targets: probeTargets, isOwnZone: isOwnZone)
        return await probe.check(domain: domain, expected: nameservers)
    }

    /// One job: record `index` asked of source `source` (-1 for our server, else a resolver index).
    private struct Job: Sendable {
        let index: Int
        let source: Int
    }

    private func checkRecords(_ expected: [PublishedRecord]) async -> [RecordCheck] {
        var jobs: [Job] = []
        for index in expected.indices {
            for source in -1 ..< resolvers.count { jobs.append(Job(index: index, source: source)) }
        }
        var results: [Int: [Int: SourceResult]] = [:]
        await withTaskGroup(of: (Job, SourceResult).self) { group in
            var next = 0
            func add() {
                guard next < jobs.count else { return }
                let job = jobs[next]
                next += 1
                group.addTask { (job, await self.check(expected[job.index], source: job.source)) }
            }
            for _ in 0 ..< parallelism { add() }
            while let (job, result) = await group.next() {
                results[job.index, default: [:]][job.source] = result
                add()
            }
        }
        return expected.indices.map { index in
            let own = results[index]?[-1] ?? SourceResult(source: "own", outcome: .error, observed: [])
            let public_ = resolvers.indices.map { source in
                results[index]?[source] ?? SourceResult(source: resolvers[source].description, outcome: .error, observed: [])
            }
            return RecordCheck(record: expected[index], own: own, resolvers: public_)
        }
    }

    private func check(_ record: PublishedRecord, source: Int) async -> SourceResult {
        let isOwn = source < 0
        let server = isOwn ? ownServer : resolvers[source]
        let label = isOwn ? "own" : server.description
        guard let name = NameText.absolute(record.name) else {
            return SourceResult(source: label, outcome: .error, observed: [])
        }
        do {
            let asker = isOwn ? ownClient : client
            let response = try await asker.query(name, record.kind == .mx ? .mx : .txt, server: server,
                                                 recursionDesired: !isOwn)
            let (outcome, observed) = RecordComparison.compare(record, response: response)
            return SourceResult(source: label, outcome: outcome, observed: observed)
        } catch {
            return SourceResult(source: label, outcome: Verifier.outcome(of: error), observed: [])
        }
    }

    /// The outcome that reports a failed query.
    static func outcome(of failure: LookupFailure) -> CheckOutcome {
        switch failure {
        case .timeout: .timeout
        case .servfail: .servfail
        case .refused: .refused
        case .rcode, .network, .malformed: .error
        }
    }
}
