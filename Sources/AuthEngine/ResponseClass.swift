import DNSWire

/// The class of a response as response rate limiting counts it (the classes NSD and Knot key their buckets on):
/// the answer for one name and type, the negative answers of one zone, the referrals at one zone cut, and errors.
/// `nameHash` tells responses of one class apart: the identity of the RRset answered (one per name and type in a
/// zone; a wildcard's answers share its RRset), of the zone, or of the cut's NS RRset. That costs nothing per
/// query, unlike hashing a name; a reload makes new objects, so their buckets start afresh. An apex set that many
/// zones share (`SharedRData.wholeSet`, owned by the root) is one object for all of them: its answers count per
/// name too (the name hashed without case), so that each zone keeps buckets of its own.
public struct ResponseClass: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// Data for one name and type; a wildcard's answers all count under the wildcard's owner.
        case answer = 1
        /// NXDOMAIN, per zone.
        case nameError
        /// NODATA, per zone.
        case noData
        /// A referral, per zone cut.
        case referral
        /// REFUSED, FORMERR, NOTIMP, BADVERS, NOTAUTH: per network only.
        case error
        /// An answer to a request validly signed with one of our TSIG keys, or to one that brought back a valid
        /// server cookie (its source address is real): never limited.
        case authenticated
    }

    public let kind: Kind
    public let nameHash: UInt64

    public init(kind: Kind, nameHash: UInt64) {
        self.kind = kind
        self.nameHash = nameHash
    }

    /// Every error response counts under one class per network.
    public static let error = ResponseClass(kind: .error, nameHash: 0)
    public static let authenticated = ResponseClass(kind: .authenticated, nameHash: 0)

    /// The class of the response a lookup's outcome produces.
    init(_ outcome: Outcome, question: Question) {
        switch outcome {
        case .refused:
            self = .error
        case .noData(let zone):
            self.init(kind: .noData, nameHash: Self.identity(zone))
        case .nameError(let zone):
            self.init(kind: .nameError, nameHash: Self.identity(zone))
        case .delegation(let cut):
            self.init(kind: .referral, nameHash: Self.identity(cut))
        case .data(let name, let set):
            self.init(kind: .answer, nameHash: Self.identity(set, answering: name))
        case .answer(let answer):
            if answer.rcode == .nxDomain, let zone = answer.negative {
                self.init(kind: .nameError, nameHash: Self.identity(zone))
            } else if let cut = answer.delegation {
                self.init(kind: .referral, nameHash: Self.identity(cut))
            } else if let first = answer.rrsets.first {
                self.init(kind: .answer, nameHash: Self.identity(first.set, answering: first.name))
            } else {
                var hasher = FNV1a()
                question.name.addCaseFolded(to: &hasher)
                hasher.add(question.type.rawValue)
                self.init(kind: .answer, nameHash: hasher.value)
            }
        }
    }

    private static func identity(_ object: some AnyObject) -> UInt64 {
        UInt64(UInt(bitPattern: ObjectIdentifier(object)))
    }

    /// The identity of `set`, answered for `name`; with the name's hash for a set shared by many zones.
    private static func identity(_ set: RRSet, answering name: Name) -> UInt64 {
        guard set.owner == .root else { return identity(set) }
        var hasher = FNV1a()
        name.addCaseFolded(to: &hasher)
        return identity(set) ^ hasher.value
    }
}
