internal import COpenSSL

/// Cryptographically secure random values from OpenSSL's CSPRNG (`RAND_bytes`).
public enum SecureRandom {
    private static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` random bytes. Traps if OpenSSL's CSPRNG fails (it cannot be seeded): carrying on with weak
    /// randomness would be worse than stopping.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "SecureRandom.bytes: count out of range")
        wist_openssl_init()
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, RAND_bytes(buffer.baseAddress, Int32(count)) != 1 {
                fatalError("SecureRandom: RAND_bytes failed: \(CryptoError.openSSL("RAND_bytes").detail)")
            }
            initialized = count
        }
    }

    /// A random string over [0-9A-Za-z] without modulo bias, e.g. for ids "dom_" + base62(16) and API keys
    /// "wm_" + base62(32). Bytes of 248 or more are rejected, so each of the 62 symbols is equally likely
    /// (about 5.95 bits each). Traps like `bytes(_:)`.
    public static func base62(_ length: Int) -> String {
        precondition(length >= 0, "SecureRandom.base62: negative length")
        var symbols: [UInt8] = []
        symbols.reserveCapacity(length)
        while symbols.count < length {
            for byte in bytes(length - symbols.count + 8) where byte < 248 && symbols.count < length {
                symbols.append(base62Alphabet[Int(byte % 62)])
            }
        }
        return String(decoding: symbols, as: UTF8.self)
    }
}
