internal import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL's one-shot `HMAC`: the signatures of webhook messages (Standard Webhooks).
public enum HMACSHA256 {
    /// The 32-octet MAC of `message` under `key`. Traps only if OpenSSL cannot compute it at all.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        wist_openssl_init()
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { input in
                HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), input.bindMemory(to: UInt8.self).baseAddress,
                     input.count, &output, &length)
            }
        }
        precondition(result != nil && length == 32, "HMACSHA256: HMAC failed")
        return output
    }
}
