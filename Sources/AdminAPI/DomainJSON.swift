import Foundation
import MailRecords
import Storage

/// A record the customer publishes, as the seed shows it (`priority` on MX only).
struct RecordJSON: Equatable {
    let type: String
    package let name: String
    let value: String
    let priority: UInt16?
    let verified: Bool

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("name", .string(name)), ("value", .string(value))]
        if let priority { members.append(("priority", .int(Int(priority)))) }
        members.append(("verified", .bool(verified)))
        return .object(members)
    }
}

/// A domain as the API shows it: the seed's fields in the seed's order, plus the nameservers to delegate the
/// name to.
struct DomainJSON: Equatable {
    let id: String
    package let name: String
    let status: String
    let verified: Bool
    let records: [RecordJSON]
    let createdAt: String
    /// When verification last ran, or nil.
    let lastCheckedAt: String?
    let nameservers: [String]
    /// False when WistDNS does not serve the domain's zone; `problem` says why.
    let serving: Bool
    let problem: String?
    /// The DKIM rotation in progress, if any.
    let dkimRotation: JSONValue?

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("status", .string(status)), ("verified", .bool(verified)),
            ("records", .array(records.map(\.json))), ("createdAt", .string(createdAt)),
            ("lastCheckedAt", lastCheckedAt.map(JSONValue.string) ?? .null),
            ("nameservers", .array(nameservers.map(JSONValue.string))),
            ("serving", .bool(serving)), ("problem", problem.map(JSONValue.string) ?? .null),
            ("dkimRotation", dkimRotation ?? .null),
        ])
    }
}

/// One page of domains: `{data, total, page, pageSize, hasMore}`.
struct DomainPageJSON: Equatable {
    let data: [DomainJSON]
    let total: Int
    let page: Int
    let pageSize: Int
    let hasMore: Bool

    var json: JSONValue {
        .object([
            ("data", .array(data.map(\.json))), ("total", .int(total)), ("page", .int(page)),
            ("pageSize", .int(pageSize)), ("hasMore", .bool(hasMore)),
        ])
    }
}

/// A mailbox.
struct MailboxJSON: Equatable {
    let id: String
    let domainId: String
    package let localPart: String
    let address: String
    let createdAt: String

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("domainId", .string(domainId)), ("localPart", .string(localPart)),
            ("address", .string(address)), ("createdAt", .string(createdAt)),
        ])
    }
}

/// `POST /domains` body.
package struct AddDomainRequest: Decodable {
    package let name: String
}

/// `POST /domains/:id/mailboxes` body.
package struct AddMailboxRequest: Decodable {
    package let localPart: String
}

/// ISO 8601 UTC with milliseconds, as in the seed: `2026-04-01T00:00:00.000Z`.
public enum Timestamp {
    public static func iso8601(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec),
                      Int(milliseconds % 1000))
    }

}

/// `GET /domains/:id/dkim`: every selector of a domain with its private key.
struct DKIMJSON {
    let id: String
    package let name: String
    let selectors: [DKIMSelectorJSON]

    var json: JSONValue {
        .object([("id", .string(id)), ("name", .string(name)), ("selectors", .array(selectors.map(\.json)))])
    }
}

/// One selector of a domain: its state (`active`: the key signers use), algorithm, published record and
/// private key (PKCS#8 PEM).
struct DKIMSelectorJSON {
    let selector: String
    let state: String
    let algorithm: String
    let record: RecordJSON
    let privateKey: String
    let createdAt: String

    var json: JSONValue {
        .object([
            ("selector", .string(selector)), ("state", .string(state)), ("algorithm", .string(algorithm)),
            ("record", .object([("type", .string(record.type)), ("name", .string(record.name)),
                                ("value", .string(record.value))])),
            ("privateKey", .string(privateKey)), ("createdAt", .string(createdAt)),
        ])
    }
}
