/// A 2048-bit RSA DKIM public key as it appears in `p=` (base64 of the 294-octet SubjectPublicKeyInfo).
enum DKIM {
    static let publicKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
        + String(repeating: "q1w2e3r4t5y6u7i8o9p0ASDFGHJKLZ+/", count: 10) + "0123456789abcdefghijklIDAQAB"
}
