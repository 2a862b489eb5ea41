import DKIMKeys
import Testing

@Suite("Stored private keys that cannot give a p= value fail with CryptoError")
struct BadPrivateKeyTests {
    @Test(arguments: [
        "",
        "not a key",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n",
    ])
    func malformedPEMThrows(pem: String) {
        let error = #expect(throws: CryptoError.self) { try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pem) }
        #expect(error?.operation == "read private key PEM")
        #expect(error?.detail.isEmpty == false)
    }

    @Test func truncatedRSAKeyThrows() throws {
        let pem = try DKIMKeyGenerator.generate(.rsa2048).privateKeyPEM
        #expect(throws: CryptoError.self) {
            try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: String(pem.prefix(pem.count / 2)) + "\n-----END PRIVATE KEY-----\n")
        }
    }

    @Test func encryptedKeyThrowsWithoutAskingForAPassphrase() throws {
        let pem = try TestSupport.opensslKey("-algorithm ed25519 -aes-256-cbc -pass pass:secret")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        #expect(throws: CryptoError.self) { try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pem) }
    }

    @Test func unsupportedKeyTypeThrows() throws {
        let pem = try TestSupport.opensslKey("-algorithm EC -pkeyopt ec_paramgen_curve:P-256")
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let error = #expect(throws: CryptoError.self) { try DKIMKeyGenerator.publicKeyBase64(fromPrivateKeyPEM: pem) }
        #expect(error?.operation == "encode DKIM public key")
    }
}
