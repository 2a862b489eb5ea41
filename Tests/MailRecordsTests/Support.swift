import MailRecords

/// Shared fixtures.
enum Fixture {
    /// A 2048-bit RSA DKIM public key as it appears in `p=`: 392 base64 characters (a 294-octet SPKI).
    static let rsaKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
        + String(repeating: "q1w2e3r4t5y6u7i8o9p0ASDFGHJKLZ+/", count: 10) + "0123456789abcdefghijklIDAQAB"

    /// The seed's example domain with the RSA key.
    static let domain = MailDomain(name: "wistfare.com", dkim: [DKIMPublication(selector: "wistmail", keyType: .rsa, publicKey: rsaKey)],
                                   serial: 2026040101)

    /// A string of the given Unicode scalars (written as in RFC 3492's samples).
    static func text(_ scalars: [UInt32]) -> String {
        var string = ""
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { string.unicodeScalars.append(scalar) }
        }
        return string
    }
}
