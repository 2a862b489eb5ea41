import DNSWire

/// How the API tells the DNS side about generated zones, without knowing how zones are served.
///
/// A domain's name is claimed before its zone is published and released when the domain goes: the DNS side
/// refuses a claim that equals, lies below or lies above a zone it serves by other means (a zone file, the
/// catalog, a provider zone) or another domain's, so no customer can answer for another's names.
public protocol ZonePublisher: Sendable {
    /// What a claim of `origin` would conflict with, if anything; changes nothing.
    func conflict(origin: Name) -> ZoneConflict?
    /// Claims `origin` for a domain. Throws `ZoneConflict` naming the zone it would overlap; nothing changes then.
    func claim(origin: Name) throws(ZoneConflict)
    /// Makes room for `count` more domain claims at once (a start that claims every stored domain), so the claims
    /// need not grow step by step.
    func reserveClaims(_ count: Int)
    /// Serves `records` as the zone `origin`, which must be claimed, as the next version of the zone stored for the
    /// name (a new serial when the records changed). Returns the SOA serial served, once queries are answered from
    /// it. It may block on storage (the zone's serial and journal): call it off the cooperative pool.
    /// With `onQuery`, the zone is watched: the first query it answers from outside (not WistDNS's own verifier)
    /// calls `onQuery`, at most once per the publisher's interval, until `stopWatching(origin:)`.
    @discardableResult
    func publish(origin: Name, records: [Record], onQuery: (@Sendable () -> Void)?) throws -> UInt32
    /// Serves the version stored for `origin` (claimed) as it is, watched as `publish` says: a start serves every
    /// stored domain this way before it generates any records. Returns false, serving nothing, when no version
    /// is stored for the name.
    func publishStored(origin: Name, onQuery: (@Sendable () -> Void)?) throws -> Bool
    /// For each zone, whether `records` (with any SOA serial) are the version stored for `origin`, so that
    /// `publish` would change nothing. One read of the storage for all of them.
    func matchStored(_ zones: [(origin: Name, records: [Record])]) throws -> [Bool]
    /// Stops serving `origin`'s zone but keeps its claim (a stored domain whose zone cannot be built any more: its
    /// name stays the customer's).
    func withdraw(origin: Name)
    /// Stops calling the `onQuery` of `origin`'s zone.
    func stopWatching(origin: Name)
    /// Stops serving `origin` if it was published and gives up its claim. Does nothing for a name the API does
    /// not hold, so it never withdraws a zone that came from elsewhere.
    func release(origin: Name)
}

extension ZonePublisher {
    /// Nothing to make room in, by default.
    public func reserveClaims(_ count: Int) {}
}

/// A domain name that overlaps a zone the DNS side already serves or holds.
public struct ZoneConflict: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zone it overlaps, without the trailing dot.
    public let zone: String
    /// How, and what holds that zone, for the customer: "lies below the zone x.example, a domain added through
    /// the API" (a zone file is not named by its path).
    public let reason: String
    /// The same for the operator's log, which may name the file.
    public let detail: String

    /// A conflict with `zone`, explained by `reason` (and `detail` in the log, `reason` when not given).
    public init(zone: String, reason: String, detail: String? = nil) {
        self.zone = zone
        self.reason = reason
        self.detail = detail ?? reason
    }

    /// The reason.
    public var description: String { reason }
}
