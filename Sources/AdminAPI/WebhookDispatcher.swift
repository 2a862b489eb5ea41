import Foundation
import FoundationNetworking
import Logging
import Storage
import Synchronization
import Platform

/// Delivers the webhook outbox: one loop per receiver, so a slow or dead receiver delays no other one nor the API.
///
/// Each message is POSTed with its Standard Webhooks headers until the receiver answers 2xx (at least once: a
/// receiver deduplicates by `webhook-id`), in the order stored; a failure is retried after 1, 2, 4 ... seconds, at
/// most an hour apart, and a message still undelivered 24 hours after it was stored is dropped with an error log
/// line and counted. The outbox is in SQLite, so messages survive restarts and `kill -9`.
public final class WebhookDispatcher: Sendable {
    /// How long a message is retried before it is dropped (ms).
    public static let giveUpAfter: Int64 = 24 * 3_600_000
    /// The longest wait between two attempts (ms).
    static let longestBackoff: Int64 = 3_600_000

    /// The receivers and the signing secret.
    public let settings: WebhookSettings
    let database: Database
    let offload: BlockingExecutor
    let logger: Logger
    let session: URLSession
    /// Messages dropped after 24 hours of failures, since the start.
    private let dropped = Atomic<Int>(0)

    public init(settings: WebhookSettings, database: Database, logger: Logger, requestTimeout: Double = 10) {
        self.settings = settings
        self.database = database
        self.offload = BlockingExecutor(label: "wistdns.webhooks")
        self.logger = logger
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.timeoutIntervalForResource = requestTimeout
        configuration.connectionProxyDictionary = [:]
        session = URLSession(configuration: configuration)
    }

    /// The messages dropped so far.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }

    /// Delivers until the surrounding task is cancelled: one child task per receiver, each polling its part of the
    /// outbox (every 200 ms while idle).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for endpoint in settings.endpoints {
                group.addTask { await self.deliverLoop(endpoint) }
            }
        }
    }

    private func deliverLoop(_ endpoint: URL) async {
        let key = endpoint.absoluteString
        while !Task.isCancelled {
            let now = SystemClock.wallMilliseconds()
            let database = self.database
            let due = (try? await offload.run { try database.dueWebhooks(endpoint: key, now: now, limit: 16) }) ?? []
            for message in due {
                if Task.isCancelled { return }
                guard await deliver(message, to: endpoint) else { break }  // keep the order: retry this one first
            }
            if due.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
        }
    }

    /// Sends one message; true when it was delivered (or dropped) and the next may go.
    private func deliver(_ message: WebhookMessageRow, to endpoint: URL) async -> Bool {
        let now = SystemClock.wallMilliseconds()
        let database = self.database
        if now - message.createdAt > Self.giveUpAfter {
            dropped.add(1, ordering: .relaxed)
            logger.error("webhook dropped after 24 hours of failed deliveries", metadata: [
                "endpoint": "\(endpoint)", "event": "\(message.event)", "webhookID": "\(message.id)",
                "attempts": "\(message.attempts)", "lastError": "\(message.lastError ?? "")",
            ])
            try? await offload.run { try database.removeWebhook(id: message.id) }
            return true
        }
        let failure = await send(message, to: endpoint)
        if let failure {
            let wait = min(Int64(1000) << Int64(min(message.attempts, 30)), Self.longestBackoff)
            logger.warning("webhook delivery failed", metadata: [
                "endpoint": "\(endpoint)", "event": "\(message.event)", "webhookID": "\(message.id)",
                "error": "\(failure)", "retryInMs": "\(wait)",
            ])
            try? await offload.run { try database.webhookFailed(id: message.id, error: failure, nextAttemptAt: now + wait) }
            return false
        }
        try? await offload.run { try database.removeWebhook(id: message.id) }
        logger.debug("webhook delivered", metadata: ["endpoint": "\(endpoint)", "webhookID": "\(message.id)"])
        return true
    }

    /// POSTs the message; nil when the receiver answered 2xx, else what went wrong.
    private func send(_ message: WebhookMessageRow, to endpoint: URL) async -> String? {
        guard let host = endpoint.host else { return "no host" }
        guard let addresses = WebhookAddress.resolve(host), !addresses.isEmpty else { return "\(host) does not resolve" }
        if let refused = addresses.first(where: { !settings.targets.allows($0) }) {
            return "\(host) resolves to \(refused.host), a private or special address (--webhook-private-addresses allows it)"
        }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(message.payload.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("wistdns", forHTTPHeaderField: "User-Agent")
        for (name, value) in settings.headers(id: message.id, timestamp: SystemClock.wallMilliseconds() / 1000,
                                              body: message.payload) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        // The completion-handler form, not `data(for:)`: cancelling that one from a task (at shutdown) deadlocks
        // in swift-corelibs-foundation's URLSessionTask.cancel. A request in flight ends by its timeout instead.
        let session = self.session
        return await withCheckedContinuation { continuation in
            session.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(returning: error.localizedDescription)
                } else if let status = (response as? HTTPURLResponse)?.statusCode {
                    continuation.resume(returning: (200 ..< 300).contains(status) ? nil : "HTTP \(status)")
                } else {
                    continuation.resume(returning: "no HTTP answer")
                }
            }.resume()
        }
    }
}
