import DNSWire

extension PublishedRecord {
    /// True when one of `answers` (the RDATA of an RRset fetched for `name` and `type`) is this record:
    /// for MX, an exchange equal to `value` ignoring ASCII case (the preference is not compared); for TXT,
    /// strings whose concatenation is exactly `value`. A pure helper for the verify feature: looser policy
    /// checks (an SPF record with extra mechanisms, say) are the caller's choice.
    public func isPresent(in answers: [RData]) -> Bool {
        switch type {
        case "MX":
            guard let expected = try? MailZone.absoluteName(value).lowercased() else { return false }
            return answers.contains { rdata in
                if case .mx(_, let exchange) = rdata { exchange.lowercased() == expected } else { false }
            }
        case "TXT":
            return answers.contains { rdata in
                if case .txt(let strings) = rdata { strings.joined().elementsEqual(value.utf8) } else { false }
            }
        default:
            return false
        }
    }
}
