import Foundation
import Logging
import Storage
import Testing
@testable import AdminAPI
import Platform

@Suite("Webhooks: settings, signatures, the outbox written with each change", .serialized)
struct WebhookTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("the signature of Standard Webhooks' own example")
    func signatureVector() throws {
        let settings = try WebhookSettings(urls: ["http://127.0.0.1:9/"], secret: Self.secret, allowPrivateAddresses: true)
        let headers = settings.headers(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                       body: #"{"test": 2432232314}"#)
        #expect(headers.first { $0.0 == "webhook-signature" }?.1 == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(headers.first { $0.0 == "webhook-timestamp" }?.1 == "1614265330")
    }

    @Test("URLs must be http(s); an IP literal outside global unicast needs the option; a secret is required", arguments: [
        (["ftp://192.0.2.1/x"], secret, false, "not an http or https URL"),
        (["http://127.0.0.1:8080/hook"], secret, false, "private or special address"),
        (["http://[fd00::1]/hook"], secret, false, "private or special address"),
        (["http://10.1.2.3/hook"], secret, false, "private or special address"),
        (["https://8.8.8.8/hook"], nil, false, "--webhook-secret"),
        (["https://8.8.8.8/hook"], "whsec_c2hvcnQ=", false, "--webhook-secret"),
        (["https://8.8.8.8/hook"], "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw!", false, "--webhook-secret"),
        (["https://8.8.8.8/hook"], "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", false, "--webhook-secret"),
    ] as [([String], String?, Bool, String)])
    func settingsChecked(urls: [String], secret: String?, allow: Bool, message: String) {
        #expect { try WebhookSettings(urls: urls, secret: secret, allowPrivateAddresses: allow) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("a secret's base64 may leave out its padding: the same key signs")
    func unpaddedSecret() throws {
        let padded = try WebhookSettings(urls: ["https://8.8.8.8/hook"], secret: "whsec_c2l4dGVlbiBvY3RldHMgbG9uZw==",
                                         allowPrivateAddresses: false)
        let bare = try WebhookSettings(urls: ["https://8.8.8.8/hook"], secret: "whsec_c2l4dGVlbiBvY3RldHMgbG9uZw",
                                       allowPrivateAddresses: false)
        #expect(padded.headers(id: "msg_1", timestamp: 1, body: "{}").map(\.1) == bare.headers(id: "msg_1", timestamp: 1, body: "{}").map(\.1))
    }

    @Test("with the option, a loopback receiver is allowed; a host name is checked when delivered")
    func allowed() throws {
        #expect(throws: Never.self) {
            try WebhookSettings(urls: ["http://127.0.0.1:8080/hook"], secret: Self.secret, allowPrivateAddresses: true)
        }
        #expect(throws: Never.self) {
            try WebhookSettings(urls: ["https://hooks.example.com/wistdns"], secret: Self.secret, allowPrivateAddresses: false)
        }
    }

    @Test("an add stores domain.created for each receiver in its transaction; a failed add stores nothing; a delete stores domain.deleted")
    func outbox() async throws {
        let webhooks = try WebhookSettings(urls: ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"], secret: Self.secret,
                                           allowPrivateAddresses: true)
        let api = try await APITestHarness(webhooks: webhooks)
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "events.example"}"#)
        let id = try #require(added.json["id"] as? String)
        var pending = try api.database.dueWebhooks(endpoint: "http://127.0.0.1:9/a", now: .max, limit: 10)
        #expect(pending.map(\.event) == ["domain.created"])
        let body = try #require(try JSONSerialization.jsonObject(with: Data(pending[0].payload.utf8)) as? [String: Any])
        #expect(body["type"] as? String == "domain.created")
        #expect((body["data"] as? [String: Any])?["id"] as? String == id, "the API's domain shape")
        #expect(try api.database.pendingWebhooks() == ["http://127.0.0.1:9/a": 1, "http://127.0.0.1:9/b": 1])

        api.publisher.failure.withLock { $0 = StorageError.other("disk full") }
        #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "failed.example"}"#).status == 500)
        api.publisher.failure.withLock { $0 = nil }
        #expect(try api.database.pendingWebhooks() == ["http://127.0.0.1:9/a": 1, "http://127.0.0.1:9/b": 1],
                "a change taken back leaves no event")

        #expect(try await api.request("DELETE", "/api/v1/domains/\(id)").status == 200)
        pending = try api.database.dueWebhooks(endpoint: "http://127.0.0.1:9/b", now: .max, limit: 10)
        #expect(pending.map(\.event) == ["domain.created", "domain.deleted"])
        #expect(Set(pending.map(\.id)).count == 2)
    }
}

/// The dispatcher's retry schedule and its 24-hour limit, against a port where nothing listens.
@Suite("Webhook delivery retries")
struct WebhookRetryTests {
    @Test("a failed delivery is retried after 1 s, then 2 s, in order; a message older than 24 hours is dropped and counted")
    func backoffAndGiveUp() async throws {
        let endpoint = "http://127.0.0.1:9/hooks"
        let settings = try WebhookSettings(urls: [endpoint], secret: WebhookTests.secret, allowPrivateAddresses: true)
        let database = try Database.inMemory()
        let now = SystemClock.wallMilliseconds()
        try database.enqueueWebhooks([
            WebhookMessageRow(id: "msg_old", endpoint: endpoint, event: "domain.created", payload: "{}",
                              createdAt: now - WebhookDispatcher.giveUpAfter - 1000),
            WebhookMessageRow(id: "msg_new", endpoint: endpoint, event: "domain.deleted", payload: "{}", createdAt: now),
        ])
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        let dispatcher = WebhookDispatcher(settings: settings, database: database, logger: logger, requestTimeout: 2)
        let running = Task { await dispatcher.run() }
        defer { running.cancel() }
        func waiting() throws -> [WebhookMessageRow] { try database.dueWebhooks(endpoint: endpoint, now: .max, limit: 10) }
        // Generous: in the full suite, blocking tests can hold the cooperative pool's two threads for seconds.
        func until(_ condition: () throws -> Bool) async throws -> Bool {
            let start = ContinuousClock.now
            while try !condition() {
                if ContinuousClock.now - start > .seconds(90) { return false }
                try await Task.sleep(for: .milliseconds(20))
            }
            return true
        }

        // Each failure sets the next attempt to (time of the failure) + backoff; the failure happened between the
        // start (or the attempt it retried) and when the test saw it, which bounds the backoff without a clock race.
        #expect(try await until { (try waiting().first?.attempts ?? 0) >= 1 })
        let sawFirst = SystemClock.wallMilliseconds()
        let first = try #require(try waiting().first)
        #expect(try waiting().map(\.id) == ["msg_new"], "the old message was dropped, not sent")
        #expect(dispatcher.droppedCount == 1)
        #expect(first.lastError != nil)
        // After n failures the next attempt is 1 s << (n - 1) after the last one.
        #expect(first.nextAttemptAt >= now + 1000 && first.nextAttemptAt <= sawFirst + (1000 << Int64(first.attempts - 1)))

        #expect(try await until { (try waiting().first?.attempts ?? 0) > first.attempts })
        let sawSecond = SystemClock.wallMilliseconds()
        let second = try #require(try waiting().first)
        #expect(second.nextAttemptAt >= first.nextAttemptAt + (1000 << Int64(second.attempts - 1))
                && second.nextAttemptAt <= sawSecond + (1000 << Int64(second.attempts - 1)),
                "attempt \(second.attempts) waits \(1 << (second.attempts - 1)) s")
    }
}
