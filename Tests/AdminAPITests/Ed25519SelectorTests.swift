import AdminAPI
import DKIMKeys
import DNSWire
import Foundation
import MailRecords
import Storage
import Testing

/// Issue 11: an Ed25519 DKIM key (RFC 8463) beside the RSA one, when the provider turns it on.
@Suite("Ed25519 selector (dkimEd25519Selector)", .serialized)
struct Ed25519SelectorTests {
    static var settings: ProviderSettings {
        var settings = ProviderSettings()
        settings.dkimEd25519Selector = "wistmail-ed"
        return settings
    }

    @Test("off by default: the seed's four records exactly")
    func offByDefault() async throws {
        let api = try await APITestHarness()
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "rsa-only.example"}"#)
        #expect((added.json["records"] as? [[String: Any]])?.count == 4)
        let id = try #require(added.json["id"] as? String)
        #expect(try api.database.dkimKeys(domainID: id).count == 1)
    }

    @Test("on: a fifth record k=ed25519 after the four, served in the zone, its key exported beside the RSA one")
    func on() async throws {
        let api = try await APITestHarness(settings: Self.settings)
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "both.example"}"#)
        #expect(added.status == 201)
        let records = try #require(added.json["records"] as? [[String: Any]])
        #expect(records.count == 5)
        #expect(records[2]["name"] as? String == "wistmail._domainkey.both.example")
        #expect(records[4]["name"] as? String == "wistmail-ed._domainkey.both.example")
        let value = try #require(records[4]["value"] as? String)
        #expect(value.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(Data(base64Encoded: String(value.dropFirst("v=DKIM1; k=ed25519; p=".count)))?.count == 32, "RFC 8463: the raw key")
        let zone = try #require(api.publisher.records("both.example."))
        #expect(zone.contains { $0.name == (try? Name("wistmail-ed._domainkey.both.example.")) && $0.type == .txt })

        let id = try #require(added.json["id"] as? String)
        let dkim = try await api.request("GET", "/api/v1/domains/\(id)/dkim")
        let selectors = try #require(dkim.json["selectors"] as? [[String: Any]])
        #expect(selectors.map { $0["selector"] as? String } == ["wistmail", "wistmail-ed"])
        #expect(selectors.map { $0["algorithm"] as? String } == ["rsa", "ed25519"])
        let pem = try #require(selectors[1]["privateKey"] as? String)
        #expect("v=DKIM1; k=ed25519; p=" + (try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pem)) == value)

        let export = try await api.request("GET", "/api/v1/dkim/export?format=opendkim&dir=/etc/opendkim")
        let files = try #require(export.json["files"] as? [[String: Any]])
        let keyTable = files.first { $0["path"] as? String == "KeyTable" }?["contents"] as? String
        #expect(keyTable == "wistmail._domainkey.both.example both.example:wistmail:/etc/opendkim/keys/both.example/wistmail.private\n"
            + "wistmail-ed._domainkey.both.example both.example:wistmail-ed:/etc/opendkim/keys/both.example/wistmail-ed.private\n")
        let rspamd = try await api.request("GET", "/api/v1/dkim/export?format=rspamd&dir=/etc/rspamd/dkim")
        let maps = try #require(rspamd.json["files"] as? [[String: Any]])
        #expect(maps.first { $0["path"] as? String == "dkim_selectors.map" }?["contents"] as? String == "both.example wistmail\n",
                "Rspamd's maps name one key per domain: the RSA one")
    }

    @Test("turned on later: a stored domain gets its Ed25519 key at the next start")
    func addedAtStart() async throws {
        let database = try Database.inMemory()
        let key = try DKIMKeyGenerator.generate(.rsa2048)
        let row = DomainRow(id: "dom_older", name: "older.example", createdAt: 0, updatedAt: 0)
        _ = try database.insertDomain(row, key: DKIMKeyRow(domainID: "dom_older", selector: "wistmail",
                                                           algorithm: key.algorithm.rawValue, privateKeyPEM: key.privateKeyPEM,
                                                           publicKey: key.publicKeyBase64, createdAt: 0))
        let api = try await APITestHarness(settings: Self.settings, database: database, publishStored: true)
        let keys = try database.dkimKeys(domainID: "dom_older")
        #expect(keys.map(\.selector) == ["wistmail", "wistmail-ed"])
        #expect(api.publisher.records("older.example.")?.contains { $0.name.description == "wistmail-ed._domainkey.older.example." } == true)
        let shown = try await api.request("GET", "/api/v1/domains/dom_older")
        #expect((shown.json["records"] as? [[String: Any]])?.count == 5)
    }

    @Test("the Ed25519 selector must be a valid label sequence and differ from the RSA one")
    func settingsChecked() {
        var same = ProviderSettings()
        same.dkimEd25519Selector = "WistMail"
        #expect(throws: SettingsError.self) { try same.validate() }
        var bad = ProviderSettings()
        bad.dkimEd25519Selector = "a_b"
        #expect(throws: SettingsError.self) { try bad.validate() }
        #expect(throws: Never.self) { try Self.settings.validate() }
    }
}
