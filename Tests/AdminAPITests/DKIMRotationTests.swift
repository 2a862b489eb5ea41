import DNSWire
import Foundation
import MailRecords
import Storage
import Testing
@testable import AdminAPI
import Platform

/// Issue 11: staged DKIM rotation, published -> active -> retired -> removed.
@Suite("Staged DKIM rotation", .serialized)
struct DKIMRotationTests {
    static var settings: ProviderSettings {
        var settings = ProviderSettings()
        settings.ttl = 30  // the old key's TTL, which promotion waits for
        return settings
    }

    static var policy: DKIMRotationService.Policy {
        var policy = DKIMRotationService.Policy()
        policy.checkEvery = 0
        policy.retireAfter = 60_000
        return policy
    }

    func dkimTXT(_ api: APITestHarness, _ zone: String) -> [String: String] {
        var found: [String: String] = [:]
        for record in api.publisher.records(zone) ?? [] where record.name.description.contains("._domainkey.") {
            if case .txt(let strings) = record.rdata {
                found[String(record.name.description.split(separator: ".")[0])] = String(decoding: strings.joined(), as: UTF8.self)
            }
        }
        return found
    }

    @Test("rotate: the new key is published beside the active one, becomes active after the old TTL, the old one is retired with an empty p=, then removed")
    func lifecycle() async throws {
        let api = try await APITestHarness(settings: Self.settings, rotationPolicy: Self.policy)
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "rotate.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let oldValue = try #require((added.json["records"] as? [[String: Any]])?[2]["value"] as? String)

        // The job is driven from the instant the request returned, not after the checks below: in the full suite a
        // starved cooperative pool once stretched them past the 30 s TTL (CI: nothing left to wait for).
        let started = try await api.request("POST", "/api/v1/domains/\(id)/dkim/rotate")
        let after = SystemClock.wallMilliseconds()
        #expect(started.status == 202)
        let rotation = try #require(started.json["dkimRotation"] as? [String: Any])
        let newSelector = try #require(rotation["newSelector"] as? String)
        #expect(newSelector.range(of: #"^wistmail-\d{8}$"#, options: .regularExpression) != nil)
        #expect(rotation["oldSelector"] as? String == "wistmail" && rotation["state"] as? String == "published")
        let again = try await api.request("POST", "/api/v1/domains/\(id)/dkim/rotate")
        #expect(again.status == 409 && again.errorCode == "rotation_in_progress")

        // Published: DNS serves both keys; the API's records and the exports still name the old one.
        var txt = dkimTXT(api, "rotate.example.")
        #expect(txt["wistmail"] == oldValue)
        #expect(txt[newSelector]?.hasPrefix("v=DKIM1; k=rsa; p=MII") == true)
        var shown = try await api.request("GET", "/api/v1/domains/\(id)").json
        #expect((shown["records"] as? [[String: Any]])?[2]["name"] as? String == "wistmail._domainkey.rotate.example")
        #expect((shown["dkimRotation"] as? [String: Any])?["newSelector"] as? String == newSelector)
        var keys = try await api.request("GET", "/api/v1/domains/\(id)/dkim").json["selectors"] as? [[String: Any]] ?? []
        #expect(keys.map { "\($0["selector"] ?? "") \($0["state"] ?? "")" } == ["wistmail active", "\(newSelector) published"])

        // Within the old key's TTL: it waits, and says so.
        await api.rotation.runDue(now: after)
        shown = try await api.request("GET", "/api/v1/domains/\(id)").json
        #expect(((shown["dkimRotation"] as? [String: Any])?["waitingFor"] as? String)?.contains("the old key's TTL (30 s)") == true)

        // After it: promoted.
        await api.rotation.runDue(now: after + 31_000)
        shown = try await api.request("GET", "/api/v1/domains/\(id)").json
        #expect(shown["dkimRotation"] is NSNull)
        let records = try #require(shown["records"] as? [[String: Any]])
        #expect(records[2]["name"] as? String == "\(newSelector)._domainkey.rotate.example")
        #expect(records[2]["value"] as? String == txt[newSelector])
        keys = try await api.request("GET", "/api/v1/domains/\(id)/dkim").json["selectors"] as? [[String: Any]] ?? []
        #expect(keys.map { "\($0["selector"] ?? "") \($0["state"] ?? "")" } == ["\(newSelector) active", "wistmail retired"])
        txt = dkimTXT(api, "rotate.example.")
        #expect(txt["wistmail"] == "v=DKIM1; k=rsa; p=", "RFC 6376 3.6.1: an empty p= revokes")
        let export = try await api.request("GET", "/api/v1/dkim/export?format=rspamd&dir=/k")
        let maps = export.json["files"] as? [[String: Any]] ?? []
        #expect(maps.first { $0["path"] as? String == "dkim_selectors.map" }?["contents"] as? String
            == "rotate.example \(newSelector)\n", "signers now take the new key")

        // Retired long enough: removed.
        await api.rotation.runDue(now: after + 31_000 + Self.policy.retireAfter + 1_000)
        txt = dkimTXT(api, "rotate.example.")
        #expect(Set(txt.keys) == [newSelector])
        #expect(try api.database.dkimKeys(domainID: id).map(\.selector) == [newSelector])
    }

    @Test("the rotation survives a restart and finishes under the new process")
    func survivesRestart() async throws {
        let database = try Database.inMemory()
        let first = try await APITestHarness(settings: Self.settings, database: database, rotationPolicy: Self.policy)
        let id = try #require(try await first.request("POST", "/api/v1/domains", body: #"{"name": "restart.example"}"#).json["id"] as? String)
        #expect(try await first.request("POST", "/api/v1/domains/\(id)/dkim/rotate").status == 202)

        let second = try await APITestHarness(settings: Self.settings, database: database, publishStored: true,
                                              rotationPolicy: Self.policy)
        #expect(dkimTXT(second, "restart.example.").count == 2, "both keys served after the restart")
        await second.rotation.runDue(now: SystemClock.wallMilliseconds() + 31_000)
        let shown = try await second.request("GET", "/api/v1/domains/\(id)").json
        #expect(shown["dkimRotation"] is NSNull)
        #expect(((shown["records"] as? [[String: Any]])?[2]["name"] as? String)?.hasPrefix("wistmail-") == true)
    }

    @Test("unknown ids 404; a name too long for a rotated selector 422; a key without domains:manage 403")
    func refusals() async throws {
        let api = try await APITestHarness(settings: Self.settings, rotationPolicy: Self.policy)
        #expect(try await api.request("POST", "/api/v1/domains/dom_none/dkim/rotate").status == 404)
        let label = String(repeating: "a", count: 63)
        let long = [label, label, label, String(repeating: "b", count: 41)].joined(separator: ".")
        let id = try #require(try await api.request("POST", "/api/v1/domains", body: #"{"name": "\#(long)"}"#).json["id"] as? String)
        let refused = try await api.request("POST", "/api/v1/domains/\(id)/dkim/rotate")
        #expect(refused.status == 422 && refused.errorCode == "invalid_domain_name")
        #expect(try api.database.rotation(domainID: id) == nil, "nothing was started")
        let reader = try api.key(scopes: ["dkim:read"])
        #expect(try await api.request("POST", "/api/v1/domains/\(id)/dkim/rotate", auth: .key(reader)).status == 403)
    }

    @Test("selector naming: <selector>-<yyyymmdd> of the day in UTC, then -2, -3 when taken")
    func naming() {
        let now: Int64 = 1_796_515_200_000  // 2026-12-06T00:00:00Z
        #expect(DKIMRotationService.newSelector(base: "wistmail", now: now, taken: ["wistmail"]) == "wistmail-20261206")
        #expect(DKIMRotationService.newSelector(base: "wistmail", now: now, taken: ["wistmail-20261206"]) == "wistmail-20261206-2")
        #expect(DKIMRotationService.newSelector(base: "s", now: now, taken: ["s-20261206", "s-20261206-2"]) == "s-20261206-3")
    }

    @Test("with rotateAfter, a key active that long is rotated by the job itself, once")
    func scheduled() async throws {
        var policy = Self.policy
        policy.rotateAfter = 60_000
        let api = try await APITestHarness(settings: Self.settings, rotationPolicy: policy)
        let before = SystemClock.wallMilliseconds()
        let id = try #require(try await api.request("POST", "/api/v1/domains", body: #"{"name": "auto.example"}"#).json["id"] as? String)
        let after = SystemClock.wallMilliseconds()
        await api.rotation.runDue(now: before)
        #expect(try api.database.rotation(domainID: id) == nil, "not a minute old yet")
        await api.rotation.runDue(now: after + 61_000)
        let rotation = try #require(try api.database.rotation(domainID: id))
        #expect(rotation.newSelector.hasPrefix("wistmail-"))
        await api.rotation.runDue(now: after + 62_000)
        #expect(try api.database.dkimKeys(domainID: id).count == 2, "one rotation at a time: no third key")
    }
}
