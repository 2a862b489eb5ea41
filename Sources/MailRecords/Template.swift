/// The `{placeholder}` templates of the SPF and DMARC settings.
enum Template {
    /// The placeholders a template may use.
    static let placeholders: Set<String> = ["sendingIPv4", "domain", "mailHost"]

    /// The template with each `{name}` replaced by `values[name]`. A brace pair whose name has no value is
    /// kept as written; `unknownPlaceholders(in:)` finds those when settings are validated.
    static func expand(_ template: String, values: [String: String]) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let key = String(rest[rest.index(after: open) ..< close])
            output += values[key] ?? String(rest[open ... close])
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }

    /// The `{name}` placeholders in the template that are not in `placeholders`, in order.
    static func unknownPlaceholders(in template: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let key = String(rest[rest.index(after: open) ..< close])
            if !placeholders.contains(key) { unknown.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return unknown
    }

    /// The values for a domain under the given settings (names without a trailing dot).
    static func values(domain: String, settings: ProviderSettings) -> [String: String] {
        ["sendingIPv4": settings.sendingIPv4, "domain": domain, "mailHost": settings.mailHost.withoutTrailingDot]
    }
}

extension String {
    /// The text with one trailing dot removed, if it has one.
    var withoutTrailingDot: String { hasSuffix(".") ? String(dropLast()) : self }
}
