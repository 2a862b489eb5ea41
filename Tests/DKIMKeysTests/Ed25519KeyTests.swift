import DKIMKeys
import Testing

@Suite("Ed25519 DKIM keys (RFC 8463 section 4: p= is the raw 32-byte key)")
struct Ed25519KeyTests {
    @Test func publicKeyIsBase64OfThe32ByteRawKey() throws {
        let pair = try DKIMKeyGenerator.generate(.ed25519)
        #expect(pair.algorithm == .ed25519)
        #expect(pair.publicKeyBase64.count == 44)
        #expect(TestSupport.decodeBase64(pair.publicKeyBase64)?.count == 32)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pair.privateKeyPEM) == pair.publicKeyBase64)
        #expect(try DKIMKeyGenerator.generate(.ed25519) != pair)
    }

    @Test func matchesTheLast32BytesOfTheOpenSSLSPKI() throws {
        let pair = try DKIMKeyGenerator.generate(.ed25519)
        let result = try TestSupport.shell(#"openssl pkey -in "$F" -pubout -outform DER | base64 -w0"#, input: pair.privateKeyPEM)
        let spki = try #require(TestSupport.decodeBase64(result.output))
        #expect(spki.count == 44)
        #expect(Array(spki.suffix(32)) == TestSupport.decodeBase64(pair.publicKeyBase64))
    }
}
