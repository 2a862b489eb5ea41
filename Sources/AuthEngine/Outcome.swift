import DNSWire

/// What a lookup found, before any bytes are written (RFC 1034 section 4.3.2). Only the response builder turns
/// it into an RCODE, flags and sections.
enum Outcome {
    /// Authoritative data: the answer RRsets in order (a CNAME chain ends with the data it leads to), each
    /// with the name it is written under. `finalRcode` is NXDOMAIN when a chain ends at a missing name, and
    /// `negative` carries the SOA for such a chain or one that ends in no data (RFC 2308 sections 2.1, 2.2).
    case answer(Answer)
    /// Authoritative data found at the name asked, with no CNAME on the way (the usual answer): `answer` without
    /// its array, which a query would otherwise allocate.
    case data(name: Name, set: RRSet)
    /// The name exists but has no data of the type asked (NODATA): SOA in the authority section.
    case noData(Zone)
    /// The name does not exist (NXDOMAIN): SOA in the authority section.
    case nameError(Zone)
    /// The name is at or below a zone cut: the cut's NS set (and glue), not authoritative.
    case delegation(RRSet)
    /// The name is in no zone served here.
    case refused
}

/// The answer part of an outcome.
struct Answer {
    /// RRsets and the name each is written under (the query name, a CNAME target, or a wildcard's query name).
    var rrsets: [(name: Name, set: RRSet)]
    var rcode: Rcode
    /// The zone whose SOA goes in the authority section when the chain ends negatively.
    var negative: Zone?
    /// A referral reached while following a CNAME chain.
    var delegation: RRSet?
}
