internal import COpenSSL
import DNSWire

/// A TSIG MAC algorithm (RFC 8945 section 6): HMAC over a SHA hash, named on the wire by a domain name.
/// HMAC-MD5 is not offered; a request that uses it is answered with BADKEY like any unknown algorithm.
public enum TSIGAlgorithm: CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case hmacSHA1
    case hmacSHA224
    case hmacSHA256
    case hmacSHA384
    case hmacSHA512

    /// The name as `dig -y`, `kdig -y` and the key spec write it: `hmac-sha256`.
    public var mnemonic: String {
        switch self {
        case .hmacSHA1: "hmac-sha1"
        case .hmacSHA224: "hmac-sha224"
        case .hmacSHA256: "hmac-sha256"
        case .hmacSHA384: "hmac-sha384"
        case .hmacSHA512: "hmac-sha512"
        }
    }

    /// The algorithm's name on the wire, lowercase: `hmac-sha256.`.
    public var name: Name { Name(uncheckedWire: [UInt8(mnemonic.utf8.count)] + Array(mnemonic.utf8) + [0]) }

    /// The length of a full MAC in octets (the hash's output length).
    public var macLength: Int {
        switch self {
        case .hmacSHA1: 20
        case .hmacSHA224: 28
        case .hmacSHA256: 32
        case .hmacSHA384: 48
        case .hmacSHA512: 64
        }
    }

    /// The shortest MAC a receiver may accept at all (RFC 8945 section 5.2.2.1): half the hash, at least 10.
    var minimumMACLength: Int { max(10, (macLength + 1) / 2) }

    /// The algorithm with this wire name, compared without regard to case; nil for any other name.
    public init?(name: Name) {
        guard let known = Self.allCases.first(where: { Name.equalIgnoringCase($0.name.wire[...], name.wire[...]) })
        else { return nil }
        self = known
    }

    /// The algorithm with this mnemonic (`hmac-sha256`, with or without a trailing dot, any case).
    public init?(mnemonic: String) {
        var text = mnemonic.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        guard let known = Self.allCases.first(where: { $0.mnemonic == text }) else { return nil }
        self = known
    }

    public var description: String { mnemonic }

    /// HMAC of `data` under `secret` (OpenSSL's one-shot `HMAC`). Traps only when OpenSSL cannot compute a
    /// SHA-family HMAC at all, as `SHA256.hash` in DKIMKeys does.
    func mac(secret: [UInt8], data: [UInt8]) -> [UInt8] {
        wist_openssl_init()
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = secret.withUnsafeBytes { key in
            data.withUnsafeBytes { input in
                HMAC(digest, key.baseAddress, Int32(key.count), input.bindMemory(to: UInt8.self).baseAddress,
                     input.count, &output, &length)
            }
        }
        precondition(result != nil && Int(length) == macLength, "TSIG: HMAC with \(mnemonic) failed")
        return Array(output.prefix(Int(length)))
    }

    private var digest: OpaquePointer? {
        switch self {
        case .hmacSHA1: EVP_sha1()
        case .hmacSHA224: EVP_sha224()
        case .hmacSHA256: EVP_sha256()
        case .hmacSHA384: EVP_sha384()
        case .hmacSHA512: EVP_sha512()
        }
    }
}

/// Compares two MACs in time that does not depend on where they differ (`CRYPTO_memcmp`).
func constantTimeEqual(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 } }
}
