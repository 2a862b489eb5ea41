import Foundation
import DNSWire
import TSIG
import Testing

@Suite("TSIG keys: NAME:ALGORITHM:BASE64SECRET specs, the keyring, secrets never shown")
struct KeyTests {
    @Test("a spec gives name, algorithm and secret; a relative name is made absolute")
    func goodSpec() throws {
        let key = try TSIGKey(spec: "Transfer.Example:HMAC-SHA512:c2VjcmV0")
        #expect(key.name == name("Transfer.Example."))
        #expect(key.algorithm == .hmacSHA512)
        #expect(key == (try TSIGKey(name: name("Transfer.Example."), algorithm: .hmacSHA512, secret: Array("secret".utf8))))
        #expect(try TSIGKey(spec: "k.:hmac-sha1.:c2VjcmV0") .algorithm == .hmacSHA1)
        #expect(try TSIGKey(spec: "k:hmac-sha256:c2VjcmV0cw") == (try TSIGKey(spec: "k:hmac-sha256:c2VjcmV0cw==")),
                "padding may be left out")
    }

    @Test("bad specs give a clear message that never repeats the secret", arguments: [
        ("k:hmac-sha256", "NAME:ALGORITHM:BASE64SECRET"),
        ("k:hmac-sha256:c2Vj:cmV0", "NAME:ALGORITHM:BASE64SECRET"),
        ("hmac-sha256:k:c2VjcmV0", "unknown algorithm 'k'"),
        ("k:hmac-md5:c2VjcmV0", "unknown algorithm 'hmac-md5' (known: hmac-sha1, hmac-sha224, hmac-sha256"),
        ("k:hmac-sha256:c2VjcmV0!!", "not valid base64"),
        ("k:hmac-sha256:c2VjcmV0c", "not valid base64"),
        ("k:hmac-sha256:c2VjcmV0cx==", "not valid base64"),
        ("k:hmac-sha256:", "the secret is empty"),
        (":hmac-sha256:c2VjcmV0", "needs a name"),
        ("a..b:hmac-sha256:c2VjcmV0", "is not a domain name"),
    ])
    func badSpec(spec: String, message: String) {
        #expect {
            _ = try TSIGKey(spec: spec)
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && !text.contains("c2Vj") && !text.contains("cmV0")
        }
    }

    @Test("the keyring finds keys without regard to case and refuses a name given twice")
    func keyring() throws {
        let ring = try TSIGKeyring([transferKey, notifyKey])
        #expect(ring[name("TRANSFER.example.")] == transferKey)
        #expect(ring[name("notify.EXAMPLE.")] == notifyKey)
        #expect(ring[name("other.example.")] == nil)
        #expect(ring.all == [notifyKey, transferKey])
        #expect(TSIGKeyring().isEmpty)
        #expect(throws: TSIGKeyError.self) { try TSIGKeyring([transferKey, key("TRANSFER.EXAMPLE.:hmac-sha1:c2VjcmV0")]) }
    }

    @Test("description, debugDescription, print and dump show the name and algorithm, never the secret")
    func secretNeverShown() throws {
        let key = try TSIGKey(spec: "k.example.:hmac-sha256:U0VDUkVUU0VDUkVUU0VDUkVU")
        let ring = try TSIGKeyring([key])
        var dumped = ""
        dump(ring, to: &dumped)
        dump(key, to: &dumped)
        let shown = [String(describing: key), String(reflecting: key), "\(key)", "\(ring)", String(reflecting: ring),
                     dumped, "\([key])"]
        for text in shown {
            #expect(text.contains("k.example."), "\(text)")
            #expect(!text.contains("U0VDUkVU") && !text.contains("SECRET") && !text.contains("83, 69, 67"), "\(text)")
        }
        #expect("\(key)" == "k.example. (hmac-sha256)")
    }
}

@Suite("TSIG algorithms (RFC 8945 section 6): wire names and HMAC results")
struct AlgorithmTests {
    @Test("wire names and MAC lengths")
    func names() {
        #expect(TSIGAlgorithm.hmacSHA1.name == name("hmac-sha1."))
        #expect(TSIGAlgorithm.hmacSHA256.name == name("hmac-sha256."))
        #expect(TSIGAlgorithm.hmacSHA512.name == name("hmac-sha512."))
        #expect(TSIGAlgorithm(name: name("HMAC-SHA256.")) == .hmacSHA256)
        #expect(TSIGAlgorithm(name: name("hmac-md5.sig-alg.reg.int.")) == nil)
        #expect(TSIGAlgorithm.allCases.map(\.macLength) == [20, 28, 32, 48, 64])
    }

    /// The MAC of a signed request against `openssl dgst -mac HMAC` over the input that RFC 8945 section 4.3
    /// lays out, built here by hand: the request as it was before signing, then the key name, class ANY, TTL 0,
    /// the algorithm name, the 48-bit time signed, the fudge, the error and an empty other data.
    @Test("each algorithm's MAC equals OpenSSL's command-line HMAC over the RFC 8945 input", arguments: TSIGAlgorithm.allCases)
    func knownAnswer(algorithm: TSIGAlgorithm) throws {
        let secret = Array("Jefe".utf8)
        let key = try TSIGKey(name: name("Key.Example."), algorithm: algorithm, secret: secret)
        let unsigned = queryMessage()
        var request = unsigned
        let signer = TSIGRequestSigner(key: key)
        _ = signer.sign(&request, now: testTime)
        #expect(request.count - unsigned.count == signer.reservedSize)
        let record = try tsigRecord(of: request)
        #expect(record.mac.count == algorithm.macLength)
        #expect(record.algorithmName == algorithm.name)
        #expect(record.keyName == name("Key.Example."))
        #expect(Array(request.prefix(10)) == Array(unsigned.prefix(10)) && request[11] == unsigned[11] + 1)

        let time = [0, 0] + withUnsafeBytes(of: UInt32(testTime).bigEndian) { Array($0) }
        let input = unsigned + name("key.example.").wire + [0, 255, 0, 0, 0, 0] + algorithm.name.wire + time
            + [0x01, 0x2C, 0, 0, 0, 0]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tsig-mac-\(UUID().uuidString)")
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let digest = algorithm.mnemonic.replacingOccurrences(of: "hmac-", with: "")
        let output = try runTool("openssl", ["dgst", "-\(digest)", "-mac", "HMAC", "-macopt", "key:Jefe", "-r", file.path])
        #expect(output.prefix(while: { $0 != " " }) == record.mac.map { String(format: "%02x", $0) }.joined())
        #expect(verifiedSession(request, with: keyring(key), now: testTime) != nil)
    }
}
