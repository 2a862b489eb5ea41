/// Validates and normalizes a domain name a customer asks to add.
public enum DomainNameValidator {
    /// The normalized form of `input`: the name the API stores and shows.
    ///
    /// Steps, in order:
    /// 1. trims surrounding whitespace and removes one trailing dot;
    /// 2. lower-cases the text (Unicode lower-casing, `String.lowercased()`) and treats the ideographic full
    ///    stops U+3002, U+FF0E and U+FF61 as dots, as IDNA does;
    /// 3. converts each label that is not all ASCII to an A-label: `xn--` and its Punycode (RFC 3492).
    ///
    /// Full UTS #46 mapping (compatibility forms, NFC, disallowed code points) and the IDNA2008 context rules
    /// are not applied, and existing `xn--` labels are not decoded to check them.
    ///
    /// The result must then have labels of 1-63 octets made of letters, digits and hyphens (no leading or
    /// trailing hyphen, no underscore), at most 253 characters, at least two labels, and a last label that is
    /// not all digits (`invalid_domain_name`); it must be neither one of `settings.providerZones` nor
    /// below one (`reserved_domain`); and every name its zone holds (`<selector>._domainkey.<name>`,
    /// `_dmarc.<name>`) must fit in 253 characters (`invalid_domain_name`).
    public static func normalize(_ input: String, settings: ProviderSettings) throws(DomainNameError) -> String {
        var text = Substring(input).trimmingWhitespace()
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty else { throw .invalid("the name is empty") }
        let unicodeLabels = text.lowercased()
            .split(omittingEmptySubsequences: false, whereSeparator: isDot)
        var asciiLabels: [String] = []
        for label in unicodeLabels {
            asciiLabels.append(try aLabel(label))
        }
        let name = asciiLabels.joined(separator: ".")
        if let reason = HostNameSyntax.problem(in: name) { throw .invalid(reason) }
        if let zone = settings.providerZones.first(where: { isName(name, atOrBelow: $0) }) {
            throw DomainNameError(
                code: DomainNameError.reservedDomainCode,
                message: "'\(name)' is the provider zone '\(zone.lowercased())' or lies below it"
            )
        }
        if let reason = generatedNameProblem(name, settings: settings) { throw .invalid(reason) }
        return name
    }

    /// Why a name the zone of `name` would hold (the DKIM and DMARC owners) is too long, or nil when all fit.
    static func generatedNameProblem(_ name: String, settings: ProviderSettings) -> String? {
        let generated = MailZone.publishedRecords(for: MailDomain(name: name, dkimPublicKey: "", serial: 0),
                                                  settings: settings).map(\.name)
        guard let longest = generated.max(by: { $0.utf8.count < $1.utf8.count }),
              longest.utf8.count > HostNameSyntax.maxLength else { return nil }
        return "the name is too long for its records: '\(longest.prefix(40))...' would be \(longest.utf8.count) "
            + "characters; the limit is \(HostNameSyntax.maxLength), so the name may have at most "
            + "\(HostNameSyntax.maxLength - (longest.utf8.count - name.utf8.count)) characters"
    }

    /// The label unchanged when it is ASCII, otherwise its A-label. A label of more than 63 scalars cannot
    /// make an A-label of 63 octets, so it is refused before Punycode (quadratic in the label) runs.
    private static func aLabel(_ label: Substring) throws(DomainNameError) -> String {
        guard !label.unicodeScalars.allSatisfy(\.isASCII) else { return String(label) }
        guard label.unicodeScalars.count <= HostNameSyntax.maxLabelLength else {
            throw .invalid("label '\(label)' is longer than \(HostNameSyntax.maxLabelLength) octets as an A-label")
        }
        guard let encoded = Punycode.encode(String(label)) else {
            throw .invalid("label '\(label)' cannot be encoded as an A-label")
        }
        return "xn--" + encoded
    }

    /// The full stop and the dots IDNA treats as label separators.
    private static func isDot(_ character: Character) -> Bool {
        character == "." || character == "\u{3002}" || character == "\u{FF0E}" || character == "\u{FF61}"
    }

    /// True when `name` equals `zone` or ends with `.zone`, ignoring case and a trailing dot on `zone`.
    static func isName(_ name: String, atOrBelow zone: String) -> Bool {
        var zone = zone.lowercased()
        if zone.hasSuffix(".") { zone.removeLast() }
        guard !zone.isEmpty else { return false }
        return name == zone || name.hasSuffix("." + zone)
    }
}

extension Substring {
    /// The text without leading and trailing whitespace (including newlines).
    func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return self[endIndex...] }
        return self[first...last]
    }
}
