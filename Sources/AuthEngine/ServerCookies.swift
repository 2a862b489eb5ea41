import DNSWire

/// DNS Cookies (RFC 7873) with interoperable server cookies (RFC 9018): version 1, a timestamp, and
/// SipHash-2-4 of the client cookie, version, reserved octets, timestamp and client address under a secret.
///
/// The secret changes every `rotationSeconds`: the secret of period `n` (wall-clock seconds / rotation) is
/// derived from the master secret, so every DNS thread (and every server given the same master secret and
/// rotation, such as an anycast set) computes the same secrets without sharing any state. A server cookie made
/// with the current or the previous period's secret is accepted, so a cookie survives one rotation.
public struct CookieSettings: Sendable, Equatable {
    /// Knot's default secret lifetime.
    public static let defaultRotationSeconds: UInt64 = 26 * 3600

    /// Answer COOKIE options at all (otherwise they are ignored, as unknown options are).
    public var enabled: Bool
    /// The master secret (16 octets).
    public var secret: [UInt8]
    public var rotationSeconds: UInt64

    /// `secret` nil: a random one, different every start.
    public init(enabled: Bool = true, secret: [UInt8]? = nil,
                rotationSeconds: UInt64 = CookieSettings.defaultRotationSeconds) {
        self.enabled = enabled
        self.secret = secret ?? (0 ..< 16).map { _ in UInt8.random(in: 0 ... 255) }
        self.rotationSeconds = max(1, rotationSeconds)
    }

    public static let off = CookieSettings(enabled: false)
}

/// The cookie step of one DNS thread: checks the server cookie a query brings back and makes the one its
/// response carries. Keeps the current and previous secrets, recomputed when the period changes.
public struct ServerCookies {
    /// What the query's cookie says about the client.
    public enum Verdict: Equatable, Sendable {
        /// No COOKIE option, or cookies are off, or the client's address is unknown.
        case none
        /// A client cookie only, or a server cookie that is not ours (another server's, too old, a secret two
        /// rotations ago): answered normally with a fresh server cookie (cookies are never required).
        case clientOnly
        /// A server cookie we made for this client, less than an hour ago.
        case valid
        /// FORMERR (RFC 7873 section 5.2.2).
        case malformed
    }

    public let settings: CookieSettings
    private let master: (k0: UInt64, k1: UInt64)
    private var period: UInt64 = .max
    private var current: (k0: UInt64, k1: UInt64) = (0, 0)
    private var previous: (k0: UInt64, k1: UInt64) = (0, 0)

    public init(settings: CookieSettings) {
        self.settings = settings
        master = SipHash24.key(settings.secret)
    }

    /// Checks `query`'s COOKIE option from `client` at `now` (UNIX seconds) and sets its `responseCookie`.
    public mutating func process(_ query: inout Query, bytes: UnsafeRawBufferPointer, client: ClientAddress?,
                                 now: UInt64) -> Verdict {
        guard settings.enabled, let request = query.cookie, let client else { return .none }
        updateSecrets(now: now)
        let timestamp = UInt32(truncatingIfNeeded: now)
        switch request {
        case .malformed:
            return .malformed
        case .client(let clientCookie):
            query.responseCookie = Self.cookie(clientCookie, client: client, timestamp: timestamp, key: current)
            return .clientOnly
        case .clientAndServer(let clientCookie, let offset, let length):
            let valid = length == 16 && isValid(clientCookie, server: bytes, at: offset, client: client,
                                                timestamp: timestamp)
            query.responseCookie = Self.cookie(clientCookie, client: client, timestamp: timestamp, key: current)
            return valid ? .valid : .clientOnly
        }
    }

    /// The secrets of the current and the previous period.
    private mutating func updateSecrets(now: UInt64) {
        let now = now / settings.rotationSeconds
        guard now != period else { return }
        period = now
        current = Self.secret(of: now, master: master)
        previous = Self.secret(of: now &- 1, master: master)
    }

    static func secret(of period: UInt64, master: (k0: UInt64, k1: UInt64)) -> (k0: UInt64, k1: UInt64) {
        var input = (period, UInt64(0))
        let k0 = withUnsafeBytes(of: &input) { SipHash24.hash($0, k0: master.k0, k1: master.k1) }
        input.1 = 1
        let k1 = withUnsafeBytes(of: &input) { SipHash24.hash($0, k0: master.k0, k1: master.k1) }
        return (k0, k1)
    }

    /// RFC 9018 section 4.3: a cookie from more than an hour ago or more than five minutes ahead is not valid.
    private func isValid(_ clientCookie: UInt64, server bytes: UnsafeRawBufferPointer, at offset: Int,
                         client: ClientAddress, timestamp now: UInt32) -> Bool {
        var head: UInt64 = 0, hash: UInt64 = 0
        for index in 0 ..< 8 {
            head = head << 8 | UInt64(bytes[offset + index])
            hash = hash << 8 | UInt64(bytes[offset + 8 + index])
        }
        guard head >> 56 == 1 else { return false }
        let age = Int32(bitPattern: now &- UInt32(truncatingIfNeeded: head))
        guard age <= 3600 && age >= -300 else { return false }
        return hash == Self.hash(clientCookie, head: head, client: client, key: current)
            || hash == Self.hash(clientCookie, head: head, client: client, key: previous)
    }

    /// A fresh server cookie: version 1, reserved 0, `timestamp`.
    static func cookie(_ clientCookie: UInt64, client: ClientAddress, timestamp: UInt32,
                       key: (k0: UInt64, k1: UInt64)) -> CookieOption {
        let head = UInt64(1) << 56 | UInt64(timestamp)
        return CookieOption(client: clientCookie, serverHead: head,
                            serverHash: hash(clientCookie, head: head, client: client, key: key))
    }

    /// SipHash-2-4 of client cookie | version | reserved | timestamp | client address, its 8 octets read
    /// big-endian (the hash's octets are its little-endian form).
    static func hash(_ clientCookie: UInt64, head: UInt64, client: ClientAddress,
                     key: (k0: UInt64, k1: UInt64)) -> UInt64 {
        var input = (clientCookie.bigEndian, head.bigEndian, client.high.bigEndian, client.low.bigEndian)
        return withUnsafeMutableBytes(of: &input) { raw in
            let message: UnsafeRawBufferPointer
            if client.isIPv4 {
                // The IPv4 address (the low 4 octets of `low`) goes right behind the head.
                raw.storeBytes(of: UInt32(truncatingIfNeeded: client.low).bigEndian, toByteOffset: 16, as: UInt32.self)
                message = UnsafeRawBufferPointer(rebasing: raw[0 ..< 20])
            } else {
                message = UnsafeRawBufferPointer(raw)
            }
            return SipHash24.hash(message, k0: key.k0, k1: key.k1).byteSwapped
        }
    }
}
