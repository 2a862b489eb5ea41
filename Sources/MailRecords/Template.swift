/// The `{placeholder}` templates of the SPF and DMARC settings.
enum Template {
    /// The placeholders a template may use, and where each one's value is.
    static let placeholders: [Substring: KeyPath<Values, String> & Sendable] = [
        "sendingIPv4": \.sendingIPv4, "domain": \.domain, "mailHost": \.mailHost,
    ]

    /// The template with each `{name}` replaced by `values[name]`. A brace pair whose name has no value is
    /// kept as written; `unknownPlaceholders(in:)` finds those when settings are validated. Scans UTF-8 octets
    /// (braces are ASCII, so never part of another character): every stored domain's SPF and DMARC are expanded
    /// at a start.
    static func expand(_ template: String, values: Values) -> String {
        let octets = template.utf8
        guard octets.contains(UInt8(ascii: "{")) else { return template }
        var output: [UInt8] = []
        output.reserveCapacity(octets.count + 64)
        var rest = octets[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "{")),
              let close = rest[open...].firstIndex(of: UInt8(ascii: "}")) {
            output.append(contentsOf: rest[..<open])
            if let value = values[Substring(rest[octets.index(after: open) ..< close])] {
                output.append(contentsOf: value.utf8)
            } else {
                output.append(contentsOf: rest[open ... close])
            }
            rest = rest[octets.index(after: close)...]
        }
        output.append(contentsOf: rest)
        return String(decoding: output, as: UTF8.self)
    }

    /// The `{name}` placeholders in the template that are not in `placeholders`, in order.
    static func unknownPlaceholders(in template: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let key = String(rest[rest.index(after: open) ..< close])
            if placeholders[Substring(key)] == nil { unknown.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return unknown
    }

    /// The values for a domain under the given settings (names without a trailing dot).
    static func values(domain: String, settings: ProviderSettings) -> Values {
        Values(sendingIPv4: settings.sendingIPv4, domain: domain, mailHost: settings.mailHost.withoutTrailingDot)
    }

    /// The value of each placeholder for one domain.
    struct Values {
        let sendingIPv4: String
        let domain: String
        let mailHost: String

        /// The value of the placeholder `key`, nil for a name that is not one.
        subscript(key: Substring) -> String? {
            placeholders[key].map { self[keyPath: $0] }
        }
    }
}

extension String {
    /// The text with one trailing dot removed, if it has one.
    var withoutTrailingDot: String { hasSuffix(".") ? String(dropLast()) : self }
}
