import DNSWire

/// How the API tells the DNS side about generated zones, without knowing how zones are served.
public protocol ZonePublisher: Sendable {
    /// Serves `records` as the zone `origin`, replacing any generated zone of that origin. Returns once queries
    /// are answered from it. It may block on storage (the zone's serial and journal): call it off the
    /// cooperative pool.
    func publish(origin: Name, records: [Record]) throws
    /// Stops serving the generated zone `origin`. Returns once queries no longer see it.
    func withdraw(origin: Name)
    /// True when `origin` is already served from a static master file, so the API must not take it over.
    func isStaticZone(_ origin: Name) -> Bool
}
