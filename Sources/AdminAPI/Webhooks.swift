import DKIMKeys
import DNSWire
import Foundation
import Storage
import Verification

/// Where and how events are sent: the receivers' URLs, the signing secret, and which addresses they may have.
public struct WebhookSettings: Sendable {
    /// The receivers, each sent every event.
    public let endpoints: [URL]
    /// The Standard Webhooks secret (`whsec_` + base64), decoded.
    let secret: [UInt8]
    /// Which addresses a receiver may have (the delegation probe's rule: global unicast unless the operator allows
    /// private ones).
    let targets: ProbeTargets

    /// No receivers: nothing is stored or sent.
    public static let none = WebhookSettings(endpoints: [], secret: [], targets: .publicOnly)

    /// Receivers at `urls` (http or https), signed with `secret` (`whsec_` and base64 of at least 16 octets).
    /// Throws a `WebhookSettingsError` naming the problem; a URL whose host is an IP literal outside `targets` is
    /// refused here, a host name is checked at each delivery against the addresses it resolves to.
    public init(urls: [String], secret: String?, allowPrivateAddresses: Bool) throws {
        let targets: ProbeTargets = allowPrivateAddresses ? .any : .publicOnly
        var endpoints: [URL] = []
        for text in urls {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty else {
                throw WebhookSettingsError("webhook '\(text)' is not an http or https URL")
            }
            if let address = WebhookAddress.literal(host), !targets.allows(address) {
                throw WebhookSettingsError("webhook '\(text)': \(host) is a private or special address; "
                    + "allow it with --webhook-private-addresses")
            }
            endpoints.append(url)
        }
        var key: [UInt8] = []
        if !endpoints.isEmpty {
            guard let secret, secret.hasPrefix("whsec_"), let decoded = Base64.decode(String(secret.dropFirst(6))),
                  decoded.count >= 16 else {
                throw WebhookSettingsError("webhooks need --webhook-secret whsec_<base64 of at least 16 octets>")
            }
            key = decoded
        }
        self.init(endpoints: endpoints, secret: key, targets: targets)
    }

    init(endpoints: [URL], secret: [UInt8], targets: ProbeTargets) {
        self.endpoints = endpoints
        self.secret = secret
        self.targets = targets
    }

    /// The outbox rows of one event for every receiver: `{"type", "timestamp", "data"}`, one message id per
    /// receiver (the id a receiver deduplicates retries by).
    func messages(_ event: String, data: JSONValue, now: Int64) -> [WebhookMessageRow] {
        let body = JSONValue.object([
            ("type", .string(event)), ("timestamp", .string(Timestamp.iso8601(milliseconds: now))), ("data", data),
        ]).serialized
        return endpoints.map {
            WebhookMessageRow(id: "msg_" + SecureRandom.base62(24), endpoint: $0.absoluteString, event: event,
                              payload: body, createdAt: now)
        }
    }

    /// The Standard Webhooks headers of a message sent at `timestamp` (Unix seconds): `webhook-id`,
    /// `webhook-timestamp`, and `webhook-signature` `v1,<base64 of HMAC-SHA256 of "id.timestamp.body">`.
    func headers(id: String, timestamp: Int64, body: String) -> [(String, String)] {
        let signed = Array("\(id).\(timestamp).\(body)".utf8)
        let signature = Base64.encode(HMACSHA256.mac(key: secret, message: signed))
        return [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", "v1,\(signature)")]
    }
}

/// A webhook setting that cannot be used.
public struct WebhookSettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The events of the domains API.
enum WebhookEvent {
    static let domainCreated = "domain.created"
    static let domainDeleted = "domain.deleted"
    static let domainVerified = "domain.verified"
    static let domainFailed = "domain.failed"
    static let domainTemporaryFailure = "domain.temporary_failure"
    static let dkimRotationStarted = "dkim.rotation_started"
    static let dkimRotated = "dkim.rotated"

    /// The event a verification outcome reports when the domain's status changes to it, if any.
    static func verification(from old: DomainStatus, to new: DomainStatus) -> String? {
        guard old != new else { return nil }
        switch new {
        case .verified: return domainVerified
        case .failed: return domainFailed
        case .temporaryFailure: return domainTemporaryFailure
        case .pending: return nil
        }
    }
}
