import DNSWire

/// The checks `named-checkzone` makes once a zone is read: data in zone, one SOA at the apex, NS at the apex,
/// CNAME alone at its name, one TTL per RRset (the first, with a warning, as BIND does) and no duplicates.
enum ZoneChecks {
    /// The outcome: the records kept, the errors, and the warnings.
    struct Outcome {
        var records: [Record] = []
        var errors: [ZoneFileError] = []
        var warnings: [ZoneFileError] = []
    }

    private struct RRsetKey: Hashable {
        let name: Name
        let type: RecordType
    }

    private struct RecordKey: Hashable {
        let name: Name
        let type: RecordType
        let rdata: RData
    }

    /// Types allowed beside a CNAME (RFC 2181 section 10.1, RFC 4035 section 2.5).
    private static let cnameCompanions: Set<RecordType> = [.cname, .rrsig, .nsec]

    static func check(_ located: [LocatedRecord], origin: Name, file: String) -> Outcome {
        var outcome = Outcome()
        let apex = origin.lowercased()
        var firstTTL: [RRsetKey: UInt32] = [:]
        var seen: Set<RecordKey> = []
        seen.reserveCapacity(located.count)
        var kept: [LocatedRecord] = []
        kept.reserveCapacity(located.count)
        for var item in located {
            let name = item.record.name.lowercased()
            guard name.isSubdomain(of: apex) else {
                outcome.errors.append(ZoneFileError(file: item.file, line: item.line,
                                                    message: "\(item.record.name) is outside the zone \(origin)"))
                continue
            }
            let rrset = RRsetKey(name: name, type: item.record.type)
            if let ttl = firstTTL[rrset], ttl != item.record.ttl {
                outcome.warnings.append(ZoneFileError(file: item.file, line: item.line,
                                                      message: "TTL set to prior TTL (\(ttl))"))
                item.record.ttl = ttl
            } else {
                firstTTL[rrset] = item.record.ttl
            }
            guard seen.insert(RecordKey(name: name, type: item.record.type, rdata: item.record.rdata)).inserted else {
                continue
            }
            kept.append(item)
        }
        outcome.errors += structureErrors(kept, apex: apex, origin: origin, file: file)
        outcome.records = kept.map(\.record)
        return outcome
    }

    /// SOA, NS and CNAME rules over the in-zone, duplicate-free records.
    private static func structureErrors(_ records: [LocatedRecord], apex: Name, origin: Name,
                                        file: String) -> [ZoneFileError] {
        var errors: [ZoneFileError] = []
        var typesAt: [Name: Set<RecordType>] = [:]
        for item in records { typesAt[item.record.name.lowercased(), default: []].insert(item.record.type) }
        var apexSOAs = 0
        var cnamesAt: [Name: Int] = [:]
        for item in records {
            func fail(_ message: String) { errors.append(ZoneFileError(file: item.file, line: item.line, message: message)) }
            let name = item.record.name.lowercased()
            switch item.record.type {
            case .soa:
                if name != apex {
                    fail("SOA record at \(item.record.name) is not at the zone apex \(origin)")
                } else {
                    apexSOAs += 1
                    if apexSOAs > 1 { fail("more than one SOA record at the zone apex") }
                }
            case .cname:
                cnamesAt[name, default: 0] += 1
                if name == apex {
                    fail("CNAME at the zone apex \(origin)")
                } else if cnamesAt[name, default: 0] > 1 {
                    fail("more than one CNAME at \(item.record.name)")
                } else if !(typesAt[name] ?? []).isSubset(of: cnameCompanions) {
                    fail("CNAME and other data at \(item.record.name)")
                }
            default:
                break
            }
        }
        if apexSOAs == 0 {
            errors.append(ZoneFileError(file: file, line: 0, message: "no SOA record at the zone apex \(origin)"))
        }
        if !(typesAt[apex] ?? []).contains(.ns) {
            errors.append(ZoneFileError(file: file, line: 0, message: "no NS records at the zone apex \(origin)"))
        }
        return errors
    }
}
