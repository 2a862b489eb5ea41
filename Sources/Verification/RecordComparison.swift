import DNSWire
import MailRecords

/// The comparison rules of issue 4, as pure functions: what a response means for one expected record.
public enum RecordComparison {
    /// The outcome and the observed values (presentation) of `response` for the expected record.
    /// NXDOMAIN or no record of the type at the name (after following CNAMEs in the answer) is `missing`.
    public static func compare(_ expected: PublishedRecord, response: Message) -> (CheckOutcome, [String]) {
        guard let name = NameText.absolute(expected.name) else { return (.error, []) }
        let isMX = expected.kind == .mx
        let records = answers(in: response, name: name, type: isMX ? .mx : .txt)
        if isMX {
            let observed: [(UInt16, String)] = records.compactMap {
                if case .mx(let preference, let exchange) = $0.rdata { return (preference, host(exchange.description)) }
                return nil
            }
            let outcome = compareMX(exchange: expected.value, preference: expected.priority, observed: observed)
            return (outcome, observed.map { "\($0.0) \($0.1)" })
        }
        let texts: [String] = records.compactMap {
            if case .txt(let strings) = $0.rdata { return String(decoding: strings.joined(), as: UTF8.self) }
            return nil
        }
        switch expected.kind {
        case .spf: return (compareSPF(expected: expected.value, texts: texts), texts)
        case .dkim: return (compareDKIM(expected: expected.value, texts: texts), texts)
        case .dmarc, .mx: return (compareDMARC(expected: expected.value, texts: texts), texts)
        }
    }

    /// The answer records of `type` owned by `name` or by a CNAME target reached from it in the answer section.
    static func answers(in response: Message, name: Name, type: RecordType) -> [Record] {
        var owners: Set<Name> = [name.lowercased()]
        var grew = true
        while grew {
            grew = false
            for record in response.answers where owners.contains(record.name.lowercased()) {
                if case .cname(let target) = record.rdata, owners.insert(target.lowercased()).inserted { grew = true }
            }
        }
        return response.answers.filter { $0.type == type && owners.contains($0.name.lowercased()) }
    }

    /// A host name lowercased without its trailing dot.
    static func host(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    /// MX: some observed record has the expected exchange (case-insensitive, trailing dot ignored) and preference.
    public static func compareMX(exchange: String, preference: UInt16?, observed: [(UInt16, String)]) -> CheckOutcome {
        guard !observed.isEmpty else { return .missing }
        let wanted = host(exchange)
        let found = observed.contains { host($0.1) == wanted && (preference == nil || $0.0 == preference) }
        return found ? .ok : .mismatch
    }

    /// SPF: exactly one TXT starting with `v=spf1` (two or more is a permerror, RFC 7208 section 4.5), equal to
    /// the expected value after collapsing whitespace.
    public static func compareSPF(expected: String, texts: [String]) -> CheckOutcome {
        let policies = texts.filter { text in
            let lower = text.lowercased()
            return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
        }
        guard let policy = policies.first else { return .missing }
        guard policies.count == 1 else { return .mismatch }
        return TagList.collapseWhitespace(policy) == TagList.collapseWhitespace(expected) ? .ok : .mismatch
    }

    /// DKIM: some TXT whose joined strings equal the expected value, or whose tags agree: the same `p=`
    /// (whitespace ignored), the same `k=` (default rsa) and `v=DKIM1` when `v` is present.
    public static func compareDKIM(expected: String, texts: [String]) -> CheckOutcome {
        guard !texts.isEmpty else { return .missing }
        if texts.contains(expected) { return .ok }
        let wanted = TagList.dictionary(expected)
        guard let wantedKey = wanted["p"].map(TagList.removeWhitespace), !wantedKey.isEmpty else { return .mismatch }
        let wantedType = (wanted["k"] ?? "rsa").lowercased()
        let found = texts.contains { text in
            let tags = TagList.dictionary(text)
            guard let key = tags["p"].map(TagList.removeWhitespace), key == wantedKey else { return false }
            guard (tags["k"] ?? "rsa").lowercased() == wantedType else { return false }
            if let version = tags["v"], version != "DKIM1" { return false }
            return true
        }
        return found ? .ok : .mismatch
    }

    /// DMARC: exactly one TXT whose first tag is `v=DMARC1`; every tag of the expected value present with an
    /// equal value (exact for rua and ruf, case-insensitive for the others such as p and sp).
    public static func compareDMARC(expected: String, texts: [String]) -> CheckOutcome {
        let policies = texts.filter { text in
            guard let first = TagList.parse(text).first else { return false }
            return first.name == "v" && first.value.uppercased() == "DMARC1"
        }
        guard let policy = policies.first else { return .missing }
        guard policies.count == 1 else { return .mismatch }
        let observed = TagList.dictionary(policy)
        for (name, value) in TagList.parse(expected) {
            guard let seen = observed[name] else { return .mismatch }
            let exact = name == "rua" || name == "ruf"
            let equal = exact ? seen == value : seen.lowercased() == value.lowercased()
            if !equal { return .mismatch }
        }
        return .ok
    }
}
