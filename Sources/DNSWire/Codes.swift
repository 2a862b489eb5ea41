/// A resource record type. An open set: unknown values survive a round trip (RFC 3597).
public struct RecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RecordType(1)
    public static let ns = RecordType(2)
    public static let cname = RecordType(5)
    public static let soa = RecordType(6)
    public static let ptr = RecordType(12)
    public static let mx = RecordType(15)
    public static let txt = RecordType(16)
    public static let aaaa = RecordType(28)
    public static let srv = RecordType(33)
    public static let opt = RecordType(41)
    public static let ds = RecordType(43)
    public static let rrsig = RecordType(46)
    public static let nsec = RecordType(47)
    public static let dnskey = RecordType(48)
    public static let caa = RecordType(257)
    public static let tsig = RecordType(250)
    public static let ixfr = RecordType(251)
    public static let axfr = RecordType(252)
    public static let mailb = RecordType(253)
    public static let maila = RecordType(254)
    public static let any = RecordType(255)

    static let mnemonics: [(RecordType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.mx, "MX"), (.txt, "TXT"),
        (.aaaa, "AAAA"), (.srv, "SRV"), (.opt, "OPT"), (.ds, "DS"), (.rrsig, "RRSIG"), (.nsec, "NSEC"),
        (.dnskey, "DNSKEY"), (.caa, "CAA"), (.tsig, "TSIG"), (.ixfr, "IXFR"), (.axfr, "AXFR"),
        (.mailb, "MAILB"), (.maila, "MAILA"), (.any, "ANY"),
    ]

    /// Parses a mnemonic (`MX`) or the generic `TYPEnnn` form, case-insensitively.
    public init?(mnemonic: String) {
        let upper = mnemonic.uppercased()
        if let known = RecordType.mnemonics.first(where: { $0.1 == upper }) {
            self = known.0
        } else if upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) {
            self.init(value)
        } else {
            return nil
        }
    }

    /// True for QTYPEs that only make sense in a question (RFC 1035 section 3.2.3, RFC 6895 section 3.1).
    public var isMetaType: Bool { rawValue >= 128 && rawValue <= 255 || self == .opt }

    public var description: String {
        RecordType.mnemonics.first(where: { $0.0 == self })?.1 ?? "TYPE\(rawValue)"
    }
}

/// A resource record class. Only IN is served; the others are kept so they can be answered properly.
public struct RecordClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let `in` = RecordClass(1)
    public static let ch = RecordClass(3)
    public static let hs = RecordClass(4)
    public static let none = RecordClass(254)
    public static let any = RecordClass(255)

    /// Parses `IN`, `CH`, `HS`, `NONE`, `ANY` or `CLASSnnn`, case-insensitively.
    public init?(mnemonic: String) {
        switch mnemonic.uppercased() {
        case "IN": self = .in
        case "CH": self = .ch
        case "HS": self = .hs
        case "NONE": self = .none
        case "ANY": self = .any
        case let other where other.hasPrefix("CLASS"):
            guard let value = UInt16(other.dropFirst(5)) else { return nil }
            self.init(value)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .in: "IN"
        case .ch: "CH"
        case .hs: "HS"
        case .none: "NONE"
        case .any: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}

/// A message opcode (4 bits of the header).
public struct Opcode: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }
    public init(_ rawValue: UInt8) { self.init(rawValue: rawValue) }

    public static let query = Opcode(0)
    public static let iquery = Opcode(1)
    public static let status = Opcode(2)
    public static let notify = Opcode(4)
    public static let update = Opcode(5)
}

/// A response code, including the extended codes that EDNS carries in its upper 8 bits (RFC 6891 section 6.1.3).
public struct Rcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = Rcode(0)
    public static let formErr = Rcode(1)
    public static let servFail = Rcode(2)
    public static let nxDomain = Rcode(3)
    public static let notImp = Rcode(4)
    public static let refused = Rcode(5)
    public static let notAuth = Rcode(9)
    public static let badVers = Rcode(16)

    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formErr: "FORMERR"
        case .servFail: "SERVFAIL"
        case .nxDomain: "NXDOMAIN"
        case .notImp: "NOTIMP"
        case .refused: "REFUSED"
        case .notAuth: "NOTAUTH"
        case .badVers: "BADVERS"
        default: "RCODE\(rawValue)"
        }
    }
}
