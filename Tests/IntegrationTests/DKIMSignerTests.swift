import Foundation
import Testing

/// Runs `scripts/dkim_roundtrip.py` (dkimpy) with an exported key and returns its JSON report.
func dkimRoundTrip(key: String, domain: String, selector: String = "wistmail", algorithm: String = "rsa-sha256",
                   dns: String, recursion: Bool) throws -> [String: Any] {
    let script = scriptsFolder.appendingPathComponent("dkim_roundtrip.py").path
    let output = try run("python3", [script, "--key", key, "--domain", domain, "--selector", selector,
                                     "--algorithm", algorithm, "--dns", dns]
        + (recursion ? ["--recursion"] : [])).output
    let line = try #require(output.split(separator: "\n").last.map(String.init))
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
}

/// The POSIX mode bits of a file.
func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

/// Issue 11: the keys DNS publishes reach the signers, and what they sign verifies.
@Suite("DKIM keys exported for signers", .serialized)
struct DKIMSignerTests {
    @Test("wistdns dkim export writes OpenDKIM's and Rspamd's files; dkimpy signs with the key and verifies it through WistDNS; a re-run follows a delete")
    func exportAndSign() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(database: folder.appendingPathComponent("wistdns.sqlite").path)
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        var ids: [String: String] = [:]
        for name in ["signs.example", "gone.example"] {
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "\#(name)"}"#)
            ids[name] = try #require(added.json["id"] as? String)
        }

        let opendkim = folder.appendingPathComponent("opendkim").path
        let export = try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath,
                                                         "--format", "opendkim", opendkim])
        #expect(export.status == 0, "\(export.output)")
        let keyFile = opendkim + "/keys/signs.example/wistmail.private"
        #expect(try mode(keyFile) == 0o600)
        #expect(try mode(opendkim + "/keys") == 0o700)
        #expect(try String(contentsOfFile: opendkim + "/KeyTable", encoding: .utf8)
            == "wistmail._domainkey.gone.example gone.example:wistmail:\(opendkim)/keys/gone.example/wistmail.private\n"
            + "wistmail._domainkey.signs.example signs.example:wistmail:\(keyFile)\n")
        #expect(try String(contentsOfFile: opendkim + "/SigningTable", encoding: .utf8)
            == "gone.example wistmail._domainkey.gone.example\nsigns.example wistmail._domainkey.signs.example\n")

        // dkimpy signs with the exported key; the verifier fetches the public key from WistDNS.
        let report = try dkimRoundTrip(key: keyFile, domain: "signs.example", dns: "127.0.0.1:\(server.port)", recursion: false)
        #expect(report["verified"] as? Bool == true, "\(report)")
        #expect((report["fetched"] as? [String])?.first?.hasPrefix("v=DKIM1; k=rsa; p=") == true)

        // After a delete, the same command updates the folder in place: the deleted domain's key is gone.
        #expect(try curl(server, "DELETE", "/api/v1/domains/\(ids["gone.example"] ?? "")", key: key).status == 200)
        #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath,
                                                    "--format", "opendkim", opendkim]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: opendkim + "/keys/gone.example"))
        #expect(try String(contentsOfFile: opendkim + "/KeyTable", encoding: .utf8)
            == "wistmail._domainkey.signs.example signs.example:wistmail:\(keyFile)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: opendkim).allSatisfy { !$0.hasSuffix(".tmp") })

        let rspamd = folder.appendingPathComponent("rspamd").path
        #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath,
                                                    "--format", "rspamd", rspamd]).status == 0)
        #expect(try String(contentsOfFile: rspamd + "/dkim_selectors.map", encoding: .utf8) == "signs.example wistmail\n")
        #expect(try String(contentsOfFile: rspamd + "/dkim_paths.map", encoding: .utf8)
            == "signs.example \(rspamd)/keys/signs.example/wistmail.private\n")
        #expect(try mode(rspamd + "/keys/signs.example/wistmail.private") == 0o600)

        // Every read of a private key through the API is logged, with the API key's id; the key itself never is.
        let read = try curl(server, "GET", "/api/v1/domains/\(ids["signs.example"] ?? "")/dkim", key: key)
        #expect(read.status == 200)
        try server.waitFor("DKIM private keys read")
        #expect(server.log.contains("apiKey=key_"))
        #expect(!server.log.contains("PRIVATE KEY-----"))
    }

    @Test("before and after a rotation: the exported key signs and verifies; after promotion the re-export signs with the new key, and the old key's signatures fail (revoked)")
    func aroundARotation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("wistdns.json")
        try #"{"provider": {"ttl": 1}}"#.write(to: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(database: folder.appendingPathComponent("wistdns.sqlite").path, extraArguments: [
            "--config", config.path, "--verify-interval", "1", "--dkim-rotation-check", "1",
        ])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "turn.example"}"#)
        let id = try #require(added.json["id"] as? String)
        let out = folder.appendingPathComponent("opendkim").path
        func export() throws { #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath,
                                                                          "--format", "opendkim", out]).status == 0) }
        let dns = "127.0.0.1:\(server.port)"
        try export()
        let oldKey = folder.appendingPathComponent("old.private").path
        try FileManager.default.copyItem(atPath: out + "/keys/turn.example/wistmail.private", toPath: oldKey)
        #expect(try dkimRoundTrip(key: oldKey, domain: "turn.example", dns: dns, recursion: false)["verified"] as? Bool == true)

        let rotation = try curl(server, "POST", "/api/v1/domains/\(id)/dkim/rotate", key: key)
        let selector = try #require((rotation.json["dkimRotation"] as? [String: Any])?["newSelector"] as? String)
        // Published, not active yet: the old key still signs.
        #expect(try dkimRoundTrip(key: oldKey, domain: "turn.example", dns: dns, recursion: false)["verified"] as? Bool == true)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline,
              !(try curl(server, "GET", "/api/v1/domains/\(id)", key: key).json["dkimRotation"] is NSNull) {
            Thread.sleep(forTimeInterval: 0.2)
        }
        try export()
        let newKey = out + "/keys/turn.example/\(selector).private"
        #expect(try String(contentsOfFile: out + "/KeyTable", encoding: .utf8).contains("\(selector)._domainkey.turn.example"))
        #expect(!FileManager.default.fileExists(atPath: out + "/keys/turn.example/wistmail.private"), "the retired key left the export")
        #expect(try dkimRoundTrip(key: newKey, domain: "turn.example", selector: selector, dns: dns, recursion: false)["verified"] as? Bool == true)
        #expect(try dkimRoundTrip(key: oldKey, domain: "turn.example", dns: dns, recursion: false)["verified"] as? Bool == false,
                "the old selector now publishes p= empty: revoked")
    }

    @Test("with --dkim-ed25519-selector, dkimpy signs with both exported keys (rsa-sha256, ed25519-sha256) and both verify")
    func ed25519() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(database: folder.appendingPathComponent("wistdns.sqlite").path,
                                       extraArguments: ["--dkim-ed25519-selector", "wistmail-ed"])
        let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
        #expect(try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "two.example"}"#).status == 201)
        let out = folder.appendingPathComponent("opendkim").path
        #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath, "--format", "opendkim",
                                                    out]).status == 0)
        for (selector, algorithm) in [("wistmail", "rsa-sha256"), ("wistmail-ed", "ed25519-sha256")] {
            let report = try dkimRoundTrip(key: out + "/keys/two.example/\(selector).private", domain: "two.example",
                                           selector: selector, algorithm: algorithm, dns: "127.0.0.1:\(server.port)",
                                           recursion: false)
            #expect(report["verified"] as? Bool == true, "\(selector): \(report)")
        }
        #expect((try digShort(server, "wistmail-ed._domainkey.two.example", "TXT").first ?? "").contains("k=ed25519"))
    }
}

extension Port53Suites {
    @Suite("DKIM through a real resolver on loopback", .serialized,
           .enabled(if: geteuid() == 0, "binds port 53 of 127.0.0.2-4: run as root"))
    struct DKIMResolverTests {
        @Test("messages signed with the exported RSA and Ed25519 keys verify with dkimpy resolving the keys through Unbound")
        func throughUnbound() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            let server = try world.startWistDNS(extraArguments: ["--dkim-ed25519-selector", "wistmail-ed"])
            defer { server.stop() }
            let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "delegated.test"}"#)
            #expect(added.status == 201)
            let folder = world.folder.appendingPathComponent("rspamd-dkim").path
            #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath, "--format", "rspamd",
                                                        folder]).status == 0)
            let records = try #require(added.json["records"] as? [[String: Any]])
            for (selector, algorithm, index) in [("wistmail", "rsa-sha256", 2), ("wistmail-ed", "ed25519-sha256", 4)] {
                let report = try dkimRoundTrip(key: folder + "/keys/delegated.test/\(selector).private",
                                               domain: "delegated.test", selector: selector, algorithm: algorithm,
                                               dns: world.resolverAddress, recursion: true)
                #expect(report["verified"] as? Bool == true, "\(selector): \(report)")
                #expect((report["fetched"] as? [String])?.first == records[index]["value"] as? String,
                        "Unbound fetched the value the API returned")
            }
        }

        @Test("before and after a rotation, through Unbound: opendkim-testkey finds the exported key's public half in DNS and dkimpy's signature verifies")
        func openDKIMTestKey() throws {
            let world = try LoopbackDNSWorld()
            defer { world.stop() }
            // RSA only: opendkim-testkey 2.11 tests RSA keys alone ("EVP_PKEY_get1_RSA() failed" for an Ed25519
            // one); dkimpy covers Ed25519 above. TTL 1 s and the resolver as the gate, so a rotation completes.
            let config = world.folder.appendingPathComponent("wistdns.json")
            try #"{"provider": {"ttl": 1}}"#.write(to: config, atomically: true, encoding: .utf8)
            let server = try world.startWistDNS(extraArguments: ["--config", config.path, "--resolver", world.resolverAddress,
                                                                 "--dkim-rotation-check", "1"])
            defer { server.stop() }
            let key = try #require(server.log.firstMatch(of: /wm_[0-9A-Za-z]{32}/).map { String($0.0) })
            let added = try curl(server, "POST", "/api/v1/domains", key: key, body: #"{"name": "delegated.test"}"#)
            let id = try #require(added.json["id"] as? String)
            let folder = world.folder.appendingPathComponent("opendkim")
            func export() throws {
                #expect(try run(ServerProcess.binary.path, ["dkim", "export", "--db", server.databasePath, "--format", "opendkim",
                                                            folder.path]).status == 0)
            }
            try export()
            let before = try openDKIMTestKey(folder: folder, world: world)
            #expect(before.output.contains("key wistmail._domainkey.delegated.test: OK")
                    && before.output.contains("1 key checked; 1 pass, 0 fail"), "\(before.output)")
            let signedBefore = try dkimRoundTrip(key: folder.path + "/keys/delegated.test/wistmail.private",
                                                 domain: "delegated.test", dns: world.resolverAddress, recursion: true)
            #expect(signedBefore["verified"] as? Bool == true, "dkimpy through Unbound before the rotation: \(signedBefore)")

            // After a rotation (promoted once Unbound returns the new key), the re-export names the new key and it
            // checks out too.
            let rotation = try curl(server, "POST", "/api/v1/domains/\(id)/dkim/rotate", key: key)
            let selector = try #require((rotation.json["dkimRotation"] as? [String: Any])?["newSelector"] as? String)
            let promoted = try secondsUntil(30) {
                try curl(server, "GET", "/api/v1/domains/\(id)", key: key).json["dkimRotation"] is NSNull
            }
            #expect(promoted != nil, "\(server.log)")
            try export()
            let after = try openDKIMTestKey(folder: folder, world: world)
            #expect(after.output.contains("key \(selector)._domainkey.delegated.test: OK")
                    && after.output.contains("1 key checked; 1 pass, 0 fail"), "\(after.output)")
            let signedAfter = try dkimRoundTrip(key: folder.path + "/keys/delegated.test/\(selector).private",
                                                domain: "delegated.test", selector: selector, dns: world.resolverAddress,
                                                recursion: true)
            #expect(signedAfter["verified"] as? Bool == true, "dkimpy through Unbound after the rotation: \(signedAfter)")

            // The check is real: a key that DNS does not publish fails it.
            let other = try run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
            try other.output.write(to: folder.appendingPathComponent("keys/delegated.test/\(selector).private"),
                                   atomically: true, encoding: .utf8)
            let wrong = try openDKIMTestKey(folder: folder, world: world)
            #expect(wrong.output.contains("keys do not match") && wrong.output.contains("0 pass, 1 fail"), "\(wrong.output)")
        }

        /// Runs `opendkim-testkey -vvv` over the exported KeyTable with libunbound forwarding every query to the
        /// loopback world's Unbound (`ResolverConfiguration`, an unbound.conf for libunbound: without the forward it would
        /// iterate from the real root servers).
        func openDKIMTestKey(folder: URL, world: LoopbackDNSWorld) throws -> (output: String, status: Int32) {
            let unboundConfig = folder.appendingPathComponent("libunbound.conf")
            try """
            server:
                do-not-query-localhost: no
                local-zone: "test." nodefault
            forward-zone:
                name: "."
                forward-addr: \(world.resolverHost)@\(world.resolverPort)
            """.write(to: unboundConfig, atomically: true, encoding: .utf8)
            let config = folder.appendingPathComponent("opendkim.conf")
            try "KeyTable \(folder.path)/KeyTable\nResolverConfiguration \(unboundConfig.path)\n"
                .write(to: config, atomically: true, encoding: .utf8)
            return try run("opendkim-testkey", ["-vvv", "-x", config.path])
        }
    }
}
