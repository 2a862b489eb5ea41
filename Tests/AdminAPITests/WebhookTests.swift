import Foundation
import Storage
import Testing
@testable import AdminAPI

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
    ] as [([String], String?, Bool, String)])
    func settingsChecked(urls: [String], secret: String?, allow: Bool, message: String) {
        #expect { try WebhookSettings(urls: urls, secret: secret, allowPrivateAddresses: allow) } throws: { error in
            "\(error)".contains(message)
        }
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
