import MailRecords
import Verification

/// The verify endpoint's response: the seed's fields (`id`, `verified`, `mxVerified`, ...), then the status,
/// the delegation, and for each record and each source what was expected, what was seen, and the outcome.
enum VerificationJSON {
    static func response(id: String, report: VerificationReport, decision: VerificationPolicy.Decision,
                         checkedAt: Int64) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("verified", .bool(decision.mx && decision.spf && decision.dkim && decision.dmarc)),
            ("mxVerified", .bool(decision.mx)),
            ("spfVerified", .bool(decision.spf)),
            ("dkimVerified", .bool(decision.dkim)),
            ("dmarcVerified", .bool(decision.dmarc)),
            ("status", .string(APIStatus.of(decision.status,
                                            allVerified: decision.mx && decision.spf && decision.dkim && decision.dmarc))),
            ("checkedAt", .string(Timestamp.iso8601(milliseconds: checkedAt))),
            ("nextCheckAt", decision.state.nextCheckAt.map { .string(Timestamp.iso8601(milliseconds: $0)) } ?? .null),
            ("publicChecks", .string(report.publicConfigured ? "configured" : "not configured")),
            ("temporaryFailure", .bool(report.temporaryFailure)),
            ("delegation", report.delegation.map(delegation) ?? .null),
            ("records", .array(report.records.map(record))),
        ])
    }

    private static func delegation(_ check: DelegationCheck) -> JSONValue {
        .object([
            ("delegated", .bool(check.delegated)),
            ("expected", strings(check.expected)),
            ("parentZone", check.parentZone.map(JSONValue.string) ?? .null),
            ("parentServers", strings(check.parentServers)),
            ("parentNameservers", strings(check.parentNS)),
            ("resolverNameservers", strings(check.resolverNS)),
            ("detail", .string(check.detail)),
        ])
    }

    private static func record(_ check: RecordCheck) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", .string(check.record.type)), ("name", .string(check.record.name)),
            ("expected", .string(check.record.value)),
        ]
        if let priority = check.record.priority { members.append(("priority", .int(Int(priority)))) }
        members += [
            ("verified", .bool(check.verified)),
            ("own", source(check.own)),
            ("resolvers", .array(check.resolvers.map(source))),
        ]
        return .object(members)
    }

    private static func source(_ result: SourceResult) -> JSONValue {
        .object([("source", .string(result.source)), ("outcome", .string(result.outcome.rawValue)),
                 ("observed", strings(result.observed))])
    }

    private static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
