import DNSWire
import Foundation
import MailRecords
import Testing

@Suite("POST/GET/DELETE /api/v1/domains", .serialized)
struct DomainRouteTests {
    @Test("adding a domain returns the seed's shape with status pending, and its zone is published")
    func add() async throws {
        let api = try await APITestHarness()
        let response = try await api.request("POST", "/api/v1/domains", body: #"{"name": "WistFare.COM."}"#)
        #expect(response.status == 201)
        let json = response.json
        #expect((json["id"] as? String)?.hasPrefix("dom_") == true)
        #expect(json["name"] as? String == "wistfare.com")
        #expect(json["status"] as? String == "pending")
        #expect(json["verified"] as? Bool == false)
        #expect(json["nameservers"] as? [String] == ["ns1.wistfare.net", "ns2.wistfare.net"])
        let createdAt = try #require(json["createdAt"] as? String)
        #expect(createdAt.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
        let records = try #require(json["records"] as? [[String: Any]])
        #expect(records.count == 4)
        #expect(records[0]["type"] as? String == "MX" && records[0]["value"] as? String == "mail.wistfare.com")
        #expect(records[0]["priority"] as? Int == 10)
        #expect(records[1]["name"] as? String == "wistfare.com")
        #expect(records[1]["value"] as? String == "v=spf1 mx ip4:192.0.2.25 ~all")
        #expect(records[1]["priority"] == nil, "priority only on MX")
        #expect(records[2]["name"] as? String == "wistmail._domainkey.wistfare.com")
        let dkim = try #require(records[2]["value"] as? String)
        #expect(dkim.hasPrefix("v=DKIM1; k=rsa; p=") && dkim.count == "v=DKIM1; k=rsa; p=".count + 392)
        #expect(records[3]["name"] as? String == "_dmarc.wistfare.com")
        #expect(records[3]["value"] as? String == "v=DMARC1; p=quarantine; rua=mailto:dmarc@wistfare.com")
        #expect(records.allSatisfy { $0["verified"] as? Bool == false })
        #expect(json["lastCheckedAt"] is NSNull, "never checked yet")
        #expect(response.text.hasPrefix(#"{"id":"dom_"#), "fields in the seed's order")

        let zone = try #require(api.publisher.records("wistfare.com."))
        #expect(zone.contains { $0.type == .soa })
        let dkimRecord = try #require(zone.first { $0.name.description == "wistmail._domainkey.wistfare.com." })
        guard case .txt(let strings) = dkimRecord.rdata else { Issue.record("DKIM is not TXT"); return }
        #expect(strings.allSatisfy { $0.count <= 255 })
        #expect(String(decoding: strings.joined(), as: UTF8.self) == dkim)
    }

    @Test("an internationalized name is stored as its A-label")
    func idn() async throws {
        let api = try await APITestHarness()
        let response = try await api.request("POST", "/api/v1/domains", body: #"{"name": "bücher.example"}"#)
        #expect(response.status == 201)
        #expect(response.json["name"] as? String == "xn--bcher-kva.example")
    }

    @Test("bad bodies and names are refused with a JSON error and change nothing", arguments: [
        ("{not json", 400, "invalid_request"),
        ("{}", 400, "invalid_request"),
        (#"{"name": 5}"#, 400, "invalid_request"),
        (#"{"name": "localhost"}"#, 422, "invalid_domain_name"),
        (#"{"name": "a_b.example"}"#, 422, "invalid_domain_name"),
        (#"{"name": "wistfare.net"}"#, 422, "reserved_domain"),
        (#"{"name": "mail.wistfare.net"}"#, 422, "reserved_domain"),
    ])
    func badInput(body: String, status: Int, code: String) async throws {
        let api = try await APITestHarness()
        let response = try await api.request("POST", "/api/v1/domains", body: body)
        #expect(response.status == status)
        #expect(response.errorCode == code)
        #expect((response.json["error"] as? [String: Any])?["message"] is String)
        #expect(try api.domainCount() == 0)
        #expect(api.publisher.zones.withLock { $0.isEmpty })
    }

    @Test("a body over 16 KiB gets 413")
    func tooLarge() async throws {
        let api = try await APITestHarness()
        let name = String(repeating: "a", count: 20_000)
        let response = try await api.request("POST", "/api/v1/domains", body: #"{"name": "\#(name)"}"#)
        #expect(response.status == 413)
        #expect(response.errorCode == "payload_too_large")
        #expect(try api.domainCount() == 0)
    }

    @Test("a duplicate gets 409 and the first stays as it was")
    func duplicate() async throws {
        let api = try await APITestHarness()
        let first = try await api.request("POST", "/api/v1/domains", body: #"{"name": "example.org"}"#)
        #expect(first.status == 201)
        let second = try await api.request("POST", "/api/v1/domains", body: #"{"name": "EXAMPLE.org."}"#)
        #expect(second.status == 409)
        #expect(second.errorCode == "domain_exists")
        #expect(try api.domainCount() == 1)
        let again = try await api.request("GET", "/api/v1/domains/\(first.json["id"] as? String ?? "")")
        #expect(again.json["records"] as? NSArray == first.json["records"] as? NSArray)
    }

    @Test("a name served from the zones folder cannot be added")
    func staticZone() async throws {
        let api = try await APITestHarness(publisher: RecordingPublisher(staticZones: [try .init("wistfare.email.")]))
        let response = try await api.request("POST", "/api/v1/domains", body: #"{"name": "wistfare.email"}"#)
        #expect(response.status == 409)
        #expect(response.errorCode == "domain_conflict")
        #expect(try api.domainCount() == 0)
    }

    @Test("list: newest first, paged, with total and hasMore")
    func list() async throws {
        let api = try await APITestHarness()
        for name in ["one.example", "two.example", "three.example"] {
            #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "\#(name)"}"#).status == 201)
        }
        let first = try await api.request("GET", "/api/v1/domains?page=1&pageSize=2")
        #expect(first.status == 200)
        #expect((first.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            == ["three.example", "two.example"])
        #expect(first.json["total"] as? Int == 3)
        #expect(first.json["page"] as? Int == 1 && first.json["pageSize"] as? Int == 2)
        #expect(first.json["hasMore"] as? Bool == true)
        let second = try await api.request("GET", "/api/v1/domains?page=2&pageSize=2")
        #expect((second.json["data"] as? [[String: Any]])?.count == 1)
        #expect(second.json["hasMore"] as? Bool == false)
        let defaults = try await api.request("GET", "/api/v1/domains")
        #expect(defaults.json["pageSize"] as? Int == 20)
        #expect(defaults.text.hasPrefix(#"{"data":[{"id":"#))
    }

    @Test("bad paging parameters get 400", arguments: ["page=0", "pageSize=101", "pageSize=x", "page=-1"])
    func badPaging(query: String) async throws {
        let api = try await APITestHarness()
        let response = try await api.request("GET", "/api/v1/domains?\(query)")
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("get and delete: 404 for unknown ids, delete cascades and withdraws the zone")
    func getAndDelete() async throws {
        let api = try await APITestHarness()
        #expect(try await api.request("GET", "/api/v1/domains/dom_nope").status == 404)
        #expect(try await api.request("DELETE", "/api/v1/domains/dom_nope").errorCode == "not_found")
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "gone.example"}"#)
        let id = try #require(added.json["id"] as? String)
        #expect(try await api.request("GET", "/api/v1/domains/\(id)").json["name"] as? String == "gone.example")
        #expect(try await api.request("POST", "/api/v1/domains/\(id)/mailboxes", body: #"{"localPart": "hello"}"#).status == 201)
        let deleted = try await api.request("DELETE", "/api/v1/domains/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.text == #"{"ok":true}"#)
        #expect(api.publisher.records("gone.example.") == nil)
        #expect(try api.database.mailboxes(domainID: id).isEmpty)
        #expect(try api.database.dkimKeys(domainID: id).isEmpty)
        #expect(try await api.request("GET", "/api/v1/domains/\(id)").status == 404)
    }
}

@Suite("Authentication, scopes and routing errors", .serialized)
struct AuthRouteTests {
    @Test("no key and an unknown key get 401")
    func unauthenticated() async throws {
        let api = try await APITestHarness()
        let missing = try await api.request("GET", "/api/v1/domains", auth: .none)
        #expect(missing.status == 401 && missing.errorCode == "missing_api_key")
        let unknown = try await api.request("GET", "/api/v1/domains", auth: .key("wm_not-a-real-key"))
        #expect(unknown.status == 401 && unknown.errorCode == "invalid_api_key")
        let post = try await api.request("POST", "/api/v1/domains", body: #"{"name": "x.example"}"#, auth: .none)
        #expect(post.status == 401)
        #expect(try api.domainCount() == 0)
    }

    @Test("a key without domains:manage gets 403")
    func scope() async throws {
        let api = try await APITestHarness()
        let key = try api.key(scopes: ["mailboxes:manage"])
        let response = try await api.request("POST", "/api/v1/domains", body: #"{"name": "x.example"}"#, auth: .key(key))
        #expect(response.status == 403)
        #expect(response.errorCode == "insufficient_scope")
        #expect(try api.domainCount() == 0)
    }

    @Test("a revoked key gets 401")
    func revoked() async throws {
        let api = try await APITestHarness()
        let key = try api.key(scopes: ["domains:manage"])
        #expect(try await api.request("GET", "/api/v1/domains", auth: .key(key)).status == 200)
        let row = try #require(try api.database.apiKeys().first { $0.name == "scoped" })
        #expect(try api.database.revokeAPIKey(id: row.id, at: 1))
        #expect(try await api.request("GET", "/api/v1/domains", auth: .key(key)).status == 401)
    }

    @Test("a wrong method gets 405 with Allow; an unknown path 404, both as JSON")
    func routing() async throws {
        let api = try await APITestHarness()
        let put = try await api.request("PUT", "/api/v1/domains", body: "{}")
        #expect(put.status == 405)
        #expect(put.errorCode == "method_not_allowed")
        #expect(put.headers.lowercased().contains("allow: get, post"))
        let missing = try await api.request("GET", "/api/v1/nothing")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
    }
}

@Suite("Mailboxes", .serialized)
struct MailboxRouteTests {
    @Test("add and list; duplicates 409; bad local parts 422; unknown domain 404; scope enforced")
    func mailboxes() async throws {
        let api = try await APITestHarness()
        let domain = try await api.request("POST", "/api/v1/domains", body: #"{"name": "box.example"}"#)
        let id = try #require(domain.json["id"] as? String)
        let added = try await api.request("POST", "/api/v1/domains/\(id)/mailboxes", body: #"{"localPart": "Hello.World"}"#)
        #expect(added.status == 201)
        #expect(added.json["address"] as? String == "hello.world@box.example")
        #expect((added.json["id"] as? String)?.hasPrefix("mbx_") == true)
        let duplicate = try await api.request("POST", "/api/v1/domains/\(id)/mailboxes", body: #"{"localPart": "hello.world"}"#)
        #expect(duplicate.status == 409 && duplicate.errorCode == "mailbox_exists")
        for bad in [".a", "a..b", "a b", "ü", String(repeating: "x", count: 65)] {
            let response = try await api.request("POST", "/api/v1/domains/\(id)/mailboxes", body: #"{"localPart": "\#(bad)"}"#)
            #expect(response.status == 422 && response.errorCode == "invalid_local_part", "\(bad)")
        }
        let list = try await api.request("GET", "/api/v1/domains/\(id)/mailboxes")
        #expect((list.json["data"] as? [[String: Any]])?.count == 1)
        #expect(try await api.request("GET", "/api/v1/domains/dom_nope/mailboxes").status == 404)
        let domainsOnly = try api.key(scopes: ["domains:manage"])
        #expect(try await api.request("GET", "/api/v1/domains/\(id)/mailboxes", auth: .key(domainsOnly)).status == 403)
    }
}

@Suite("POST /api/v1/domains/:id/verify", .serialized)
struct VerifyRouteTests {
    @Test("unknown ids get 404; a check that cannot reach our server is a stored temporary failure")
    func verify() async throws {
        let api = try await APITestHarness()
        #expect(try await api.request("POST", "/api/v1/domains/dom_nope/verify").status == 404)
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "check.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let response = try await api.request("POST", "/api/v1/domains/\(id)/verify")
        #expect(response.status == 200)
        #expect(response.text.hasPrefix(#"{"id":"\#(id)","verified":false,"mxVerified":false"#))
        #expect(response.json["publicChecks"] as? String == "not configured")
        #expect(response.json["temporaryFailure"] as? Bool == true)
        #expect(response.json["status"] as? String == "temporary_failure")
        let records = try #require(response.json["records"] as? [[String: Any]])
        #expect(records.count == 4)
        #expect(records.allSatisfy { ($0["own"] as? [String: Any])?["outcome"] as? String != "ok" })
        let stored = try await api.request("GET", "/api/v1/domains/\(id)")
        #expect(stored.json["status"] as? String == "temporary_failure")
        #expect(stored.json["lastCheckedAt"] as? String == response.json["checkedAt"] as? String)
        #expect(try api.database.verificationState(domainID: id)?.lastReport == response.text)
        let scoped = try api.key(scopes: ["mailboxes:manage"])
        #expect(try await api.request("POST", "/api/v1/domains/\(id)/verify", auth: .key(scoped)).status == 403)
    }
}
