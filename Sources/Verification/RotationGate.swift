import DNSWire
import MailRecords

/// What a DKIM key rotation waits for before the new key becomes the one signers use: every secondary serves the
/// zone version that first carried the new key (or a newer one), and every resolver returns the new key. (The
/// third condition, the old key's TTL, is a matter of time, checked by the caller.) Nothing gates on the
/// database: only on what the world serves.
public struct RotationGate: Sendable {
    /// The secondaries: WistDNS's NOTIFY targets, asked for the zone's SOA with RD clear.
    public let secondaries: [ResolverAddress]
    /// The public resolvers, asked for the new key with RD set.
    public let resolvers: [ResolverAddress]
    let client: StubResolver

    public init(secondaries: [ResolverAddress], resolvers: [ResolverAddress], client: StubResolver = StubResolver()) {
        self.secondaries = secondaries
        self.resolvers = resolvers
        self.client = client
    }

    /// Nil when every secondary serves `serial` of `zone` or newer (RFC 1982) and every resolver returns `key`;
    /// else the first thing still waited for, in words.
    public func check(zone: String, serial: UInt32, key: PublishedRecord) async -> String? {
        guard let origin = NameText.absolute(zone), let keyName = NameText.absolute(key.name) else {
            return "'\(zone)' is not a domain name"
        }
        for secondary in secondaries {
            guard let response = try? await client.query(origin, .soa, server: secondary, recursionDesired: false) else {
                return "secondary \(secondary) does not answer for \(zone)"
            }
            let served = response.answers.compactMap { record -> UInt32? in
                guard record.type == .soa, case .soa(let soa) = record.rdata else { return nil }
                return soa.serial
            }.first
            guard let served else { return "secondary \(secondary) does not serve \(zone) yet" }
            guard Self.isAtLeast(served, serial) else {
                return "secondary \(secondary) serves serial \(served) of \(zone), not \(serial) yet"
            }
        }
        for resolver in resolvers {
            guard let response = try? await client.query(keyName, .txt, server: resolver, recursionDesired: true) else {
                return "resolver \(resolver) does not answer for \(key.name)"
            }
            guard RecordComparison.compare(key, response: response).0 == .ok else {
                return "resolver \(resolver) does not return the new key at \(key.name) yet"
            }
        }
        return nil
    }

    /// True when `serial` equals `target` or is newer in RFC 1982 serial number arithmetic.
    static func isAtLeast(_ serial: UInt32, _ target: UInt32) -> Bool {
        serial == target || (serial &- target) < (1 << 31)
    }
}
