import AdminAPI
import DKIMKeys
import DNSWire
import Foundation
import Logging
import MailRecords
import Publishing
import Storage
import Synchronization
import Testing
import Verification

/// Records what the API asks the DNS side to serve; names are claimed in a real `ZoneClaims` beside the given
/// zone files and provider zones.
final class RecordingPublisher: ZonePublisher {
    let zones = Mutex<[Name: [Record]]>([:])
    let claims: ZoneClaims
    /// When set, `publish` fails with this error (a storage failure after the domain was stored).
    let failure = Mutex<(any Error)?>(nil)

    init(staticZones: Set<Name> = [], catalog: Name? = nil) {
        claims = ZoneClaims(catalog: catalog)
        _ = claims.replaceFiles(staticZones.map { ($0, "/srv/zones/\($0)zone") })
    }

    func conflict(origin: Name) -> ZoneConflict? {
        claims.conflictForDomain(origin).map { ZoneConflict(zone: $0.zoneText, reason: $0.publicDescription) }
    }

    func claim(origin: Name) throws(ZoneConflict) {
        if let conflict = claims.claimDomain(origin) {
            throw ZoneConflict(zone: conflict.zoneText, reason: conflict.publicDescription)
        }
    }
    func publish(origin: Name, records: [Record], onQuery: (@Sendable () -> Void)?) throws -> UInt32 {
        watched.withLock { $0[origin.lowercased()] = onQuery != nil }
        callbacks.withLock { $0[origin.lowercased()] = onQuery }
        if let failure = failure.withLock({ $0 }) { throw failure }
        zones.withLock { $0[origin.lowercased()] = records }
        // The real publisher gives a changed zone a new serial; here the number of versions stands for it.
        return published.withLock { $0[origin.lowercased(), default: 0] += 1; return $0[origin.lowercased()]! }
    }
    /// Nothing is stored here: every stored domain is published from its records.
    func publishStored(origin: Name, onQuery: (@Sendable () -> Void)?) throws -> Bool { false }
    func matchStored(_ zones: [(origin: Name, records: [Record])]) throws -> [Bool] {
        zones.map { zone in self.zones.withLock { $0[zone.origin.lowercased()] } == zone.records }
    }
    /// Whether each zone was published watched (with an `onQuery`), and not stopped since.
    let watched = Mutex<[Name: Bool]>([:])
    func stopWatching(origin: Name) { watched.withLock { $0[origin.lowercased()] = false } }
    /// The `onQuery` of each zone's last publish: calling it plays an outside query.
    let callbacks = Mutex<[Name: @Sendable () -> Void]>([:])
    /// How many versions of each zone were published.
    let published = Mutex<[Name: UInt32]>([:])
    func withdraw(origin: Name) {
        _ = zones.withLock { $0.removeValue(forKey: origin.lowercased()) }
    }
    func release(origin: Name) {
        guard claims.releaseDomain(origin) else { return }
        _ = zones.withLock { $0.removeValue(forKey: origin.lowercased()) }
    }
    func records(_ origin: String) -> [Record]? { zones.withLock { $0[try! Name(origin).lowercased()] } }
}

/// A running API on a free loopback port with an in-memory database, driven with `curl`.
final class APITestHarness: @unchecked Sendable {
    // @unchecked: the task and fields are set once in `start` and only read afterwards.
    let database: Database
    let publisher: RecordingPublisher
    let fullKey: String
    private(set) var port = 0
    private var task: Task<Void, any Error>?

    static let keyPool = DKIMKeyPool(algorithm: .rsa2048, capacity: 4)

    /// The API's limits with a request deadline of 10 minutes instead of 10 s: in the full suite, blocking tests
    /// can hold the cooperative pool for longer than 10 s, and the deadline then closed a connection before its
    /// answer (CI saw an empty response). The deadline itself is tested end to end on the real binary.
    static var patientLimits: APILimits {
        var limits = APILimits()
        limits.requestTimeout = 600
        return limits
    }

    let service: DomainService
    let rotation: DKIMRotationService

    /// An API over `database` (a new in-memory one by default) with `settings`. With `publishStored`, the
    /// stored domains are published first, as `serve` does at start-up.
    init(publisher: RecordingPublisher = RecordingPublisher(), settings: ProviderSettings = ProviderSettings(),
         database: Database? = nil, publishStored: Bool = false, limits: APILimits = APITestHarness.patientLimits,
         rotationPolicy: DKIMRotationService.Policy = DKIMRotationService.Policy(),
         webhooks: WebhookSettings = .none) async throws {
        self.database = try database ?? Database.inMemory()
        self.publisher = publisher
        fullKey = try APIKeyIssuer(database: self.database).create(name: "test", scopes: Scope.allCases.map(\.rawValue)).key
        let service = DomainService(database: self.database, keys: APITestHarness.keyPool, publisher: publisher,
                                    settings: settings, offload: BlockingExecutor(label: "test.storage"),
                                    webhooks: webhooks)
        self.service = service
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "api-test")
        logger.logLevel = .warning
        // No DNS server listens on the discard port: checks of our own server fail fast.
        let verifier = Verifier(ownServer: try ResolverAddress("127.0.0.1:9"), resolvers: [],
                                nameservers: ProviderSettings().nameservers,
                                client: StubResolver(timeout: .milliseconds(200), retries: 0))
        if publishStored {
            var silent = Logger(label: "publish-test")
            silent.logLevel = .critical
            _ = try service.publishAll(logger: silent)
        }
        let verification = VerificationService(database: self.database, verifier: verifier, settings: settings,
                                               offload: BlockingExecutor(label: "test.verification"), logger: logger)
        // No secondary, no resolver: a rotation waits for the old key's TTL only (the tests' settings say how long).
        let rotation = DKIMRotationService(domains: service, gate: RotationGate(secondaries: [], resolvers: []),
                                           policy: rotationPolicy, logger: logger)
        self.rotation = rotation
        task = Task {
            try await AdminAPIServer.run(service: service, verification: verification, rotation: rotation,
                                         host: "127.0.0.1", port: 0,
                                         limits: limits, logger: logger) {
                continuation.yield($0)
            }
        }
        for await bound in ports {
            port = bound
            break
        }
    }

    deinit { task?.cancel() }

    /// A key with only these scopes.
    func key(scopes: [String]) throws -> String {
        try APIKeyIssuer(database: database).create(name: "scoped", scopes: scopes).key
    }

    struct Response {
        let status: Int
        let body: Data
        let headers: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// Which X-API-Key header a request carries.
    enum Auth { case full, none, key(String) }

    /// Sends a request with curl. The curl process is waited for on a Dispatch thread: blocking a thread of the
    /// small cooperative pool could starve the API's own handlers running in the same process.
    func request(_ method: String, _ path: String, body: String? = nil, auth: Auth = .full) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.requestBlocking(method, path, body: body, auth: auth) })
            }
        }
    }

    private func requestBlocking(_ method: String, _ path: String, body: String?, auth: Auth) throws -> Response {
        var arguments = ["-s", "-i", "-X", method, "http://127.0.0.1:\(port)\(path)", "-H", "Content-Type: application/json"]
        switch auth {
        case .full: arguments += ["-H", "X-API-Key: \(fullKey)"]
        case .none: break
        case .key(let key): arguments += ["-H", "X-API-Key: \(key)"]
        }
        if let body { arguments += ["--data-binary", body] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let separator = Data("\r\n\r\n".utf8)
        guard let split = output.range(of: separator) else { throw HarnessError.noResponse(String(decoding: output, as: UTF8.self)) }
        let head = String(decoding: output[..<split.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Response(status: status, body: output[split.upperBound...], headers: head)
    }

    /// Sends `bytes` as they are on a new connection and returns everything the server sends back until it closes
    /// the connection or `timeout` seconds pass (`scripts/http_raw.py` does the socket work, off the cooperative pool).
    func raw(_ bytes: String, timeout: Double = 30) async throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/http_raw.py").path
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3", script, String(self.port), String(timeout)]
                    let input = Pipe(), output = Pipe()
                    process.standardInput = input
                    process.standardOutput = output
                    try process.run()
                    input.fileHandleForWriting.write(Data(bytes.utf8))
                    try input.fileHandleForWriting.close()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return String(decoding: data, as: UTF8.self)
                })
            }
        }
    }

    /// The number of stored domains, to check that failed requests change nothing.
    func domainCount() throws -> Int { try database.domains(page: 1, pageSize: 1).total }
}

enum HarnessError: Error { case noResponse(String) }
