import AdminAPI
import DKIMKeys
import Foundation
import Storage
import Testing

@Suite("DKIM keys for signers: GET /domains/:id/dkim and GET /dkim/export (scope dkim:read)", .serialized)
struct DKIMExportTests {
    @Test("a domain's key: its selector, state, algorithm, the published record and the private key whose public half DNS serves")
    func domainKeys() async throws {
        let api = try await APITestHarness()
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "signer.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let response = try await api.request("GET", "/api/v1/domains/\(id)/dkim")
        #expect(response.status == 200)
        #expect(response.json["id"] as? String == id && response.json["name"] as? String == "signer.example")
        let selectors = try #require(response.json["selectors"] as? [[String: Any]])
        #expect(selectors.count == 1)
        let selector = selectors[0]
        #expect(selector["selector"] as? String == "wistmail")
        #expect(selector["state"] as? String == "active")
        #expect(selector["algorithm"] as? String == "rsa")
        let record = try #require(selector["record"] as? [String: Any])
        let published = (added.json["records"] as? [[String: Any]])?[2]
        #expect(record["name"] as? String == published?["name"] as? String)
        #expect(record["value"] as? String == published?["value"] as? String)
        let pem = try #require(selector["privateKey"] as? String)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"), "PKCS#8")
        let publicHalf = try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pem)
        #expect(record["value"] as? String == "v=DKIM1; k=rsa; p=" + publicHalf)
        #expect(try await api.request("GET", "/api/v1/domains/dom_nope/dkim").status == 404)
    }

    @Test("without dkim:read: 403, also for a key with every other scope; the first key has dkim:read")
    func scope() async throws {
        let api = try await APITestHarness()
        let added = try await api.request("POST", "/api/v1/domains", body: #"{"name": "scoped.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let manager = try api.key(scopes: ["domains:manage", "mailboxes:manage"])
        for path in ["/api/v1/domains/\(id)/dkim", "/api/v1/dkim/export?format=opendkim&dir=/etc/opendkim"] {
            let refused = try await api.request("GET", path, auth: .key(manager))
            #expect(refused.status == 403 && refused.errorCode == "insufficient_scope", "\(path)")
            #expect(!refused.text.contains("PRIVATE KEY"))
        }
        let reader = try api.key(scopes: ["dkim:read"])
        #expect(try await api.request("GET", "/api/v1/domains/\(id)/dkim", auth: .key(reader)).status == 200)
        let first = try #require(try APIKeyIssuer(database: try Database.inMemory()).createFirstKeyIfNone())
        #expect(first.row.scopes.split(separator: " ").contains("dkim:read"))
    }

    @Test("the export: key files 0600 and the signer's tables naming them under dir")
    func export() async throws {
        let api = try await APITestHarness()
        for name in ["b.example", "a.example"] {
            #expect(try await api.request("POST", "/api/v1/domains", body: #"{"name": "\#(name)"}"#).status == 201)
        }
        let response = try await api.request("GET", "/api/v1/dkim/export?format=rspamd&dir=/var/lib/rspamd/dkim/")
        #expect(response.status == 200)
        let files = try #require(response.json["files"] as? [[String: Any]])
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0["path"] as? String ?? "", $0) })
        #expect(Set(byPath.keys) == ["keys/a.example/wistmail.private", "keys/b.example/wistmail.private",
                                     "dkim_selectors.map", "dkim_paths.map"])
        #expect(byPath["keys/a.example/wistmail.private"]?["mode"] as? String == "0600")
        #expect((byPath["keys/a.example/wistmail.private"]?["contents"] as? String)?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        #expect(byPath["dkim_selectors.map"]?["contents"] as? String == "a.example wistmail\nb.example wistmail\n")
        #expect(byPath["dkim_paths.map"]?["contents"] as? String
            == "a.example /var/lib/rspamd/dkim/keys/a.example/wistmail.private\nb.example /var/lib/rspamd/dkim/keys/b.example/wistmail.private\n")
    }

    @Test("bad export parameters get 400", arguments: [
        "format=postfix&dir=/etc/x", "dir=/etc/x", "format=opendkim", "format=opendkim&dir=relative",
        "format=opendkim&dir=/etc/../root", "format=opendkim&dir=/etc/a%20b", "format=opendkim&dir=/etc/a%0Ab",
    ])
    func badExport(query: String) async throws {
        let api = try await APITestHarness()
        let response = try await api.request("GET", "/api/v1/dkim/export?\(query)")
        #expect(response.status == 400 && response.errorCode == "invalid_request", "\(query)")
    }

    @Test("OpenDKIM's tables: KeyTable selector._domainkey.domain domain:selector:path, SigningTable domain keyname")
    func openDKIMFiles() {
        let keys = [SignerExport.SigningKey(domain: "z.example", selector: "wistmail", privateKeyPEM: "PEM-Z"),
                    SignerExport.SigningKey(domain: "a.example", selector: "s1", privateKeyPEM: "PEM-A")]
        let files = SignerExport.files(.opendkim, keys: keys, directory: "/etc/opendkim")
        #expect(files.map(\.path) == ["keys/a.example/s1.private", "keys/z.example/wistmail.private", "KeyTable", "SigningTable"])
        #expect(files[0] == SignerExport.File(path: "keys/a.example/s1.private", mode: 0o600, contents: "PEM-A"))
        #expect(files[2].contents == "s1._domainkey.a.example a.example:s1:/etc/opendkim/keys/a.example/s1.private\n"
            + "wistmail._domainkey.z.example z.example:wistmail:/etc/opendkim/keys/z.example/wistmail.private\n")
        #expect(files[3].contents == "a.example s1._domainkey.a.example\nz.example wistmail._domainkey.z.example\n")
        #expect(files[2].mode == 0o644 && files[3].mode == 0o644)
    }
}
