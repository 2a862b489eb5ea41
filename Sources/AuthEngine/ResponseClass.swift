import DNSWire

/// The class of a response as response rate limiting counts it (the classes NSD and Knot key their buckets on):
/// the answer for one name and type, the negative answers of one zone, the referrals at one zone cut, and errors.
/// `nameHash` tells responses of one class apart: a 64-bit FNV-1a of the lowercased name (and type) it is about.
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
            self.init(kind: .noData, nameHash: Self.hash(zone.origin))
        case .nameError(let zone):
            self.init(kind: .nameError, nameHash: Self.hash(zone.origin))
        case .delegation(let cut):
            self.init(kind: .referral, nameHash: Self.hash(cut.owner))
        case .answer(let answer):
            if answer.rcode == .nxDomain, let zone = answer.negative {
                self.init(kind: .nameError, nameHash: Self.hash(zone.origin))
            } else if let cut = answer.delegation {
                self.init(kind: .referral, nameHash: Self.hash(cut.owner))
            } else {
                let owner = answer.rrsets.first?.set.owner ?? question.name
                self.init(kind: .answer, nameHash: Self.hash(owner, type: question.type))
            }
        }
    }

    /// FNV-1a over the lowercased name's wire form, then the type.
    static func hash(_ name: Name, type: RecordType? = nil) -> UInt64 {
        var hasher = FNV1a()
        name.addCaseFolded(to: &hasher)
        if let type { hasher.add(type.rawValue) }
        return hasher.value
    }
}
