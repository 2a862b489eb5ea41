/// Validates and normalizes a domain name a customer asks to add.
public enum DomainNameValidator {
    /// The normalized form of `input`: the name the API stores and shows.
    ///
    /// Steps, in order:
    /// 1. trims surrounding whitespace and removes one trailing dot;
    /// 2. a name in ASCII is lowercased and must have labels of 1-63 octets made of letters, digits and hyphens
    ///    (no leading or trailing hyphen, no underscore), at most 253 characters, at least two labels, and a last
    ///    label that is not all digits;
    /// 3. every name then goes through IDNA2008 with UTS #46 nontransitional mapping (`IDNA`): Unicode labels
    ///    become A-labels (`bücher` -> `xn--bcher-kva`, `Ⅻ` -> `xii`, the ideographic full stops are dots),
    ///    `xn--` labels must be valid A-labels, and disallowed, unassigned, joiner, bidi and contextual violations
    ///    are refused; the result must pass step 2's checks.
    ///
    /// Failures are `invalid_domain_name`. The name may not be a public suffix of the Public Suffix List, ICANN or
    /// private (`public_suffix`: `co.uk`, `github.io`). It must then be neither one of `settings.providerZones`, nor
    /// below one, nor above one (`reserved_domain`); and every name its zone holds (`<selector>._domainkey.<name>`,
    /// `_dmarc.<name>`) must fit in 253 characters (`invalid_domain_name`).
    public static func normalize(_ input: String, settings: ProviderSettings) throws(DomainNameError) -> String {
        var text = Substring(input).trimmingWhitespace()
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty else { throw .invalid("the name is empty") }
        var name: String
        if text.unicodeScalars.allSatisfy(\.isASCII) {
            name = text.lowercased()
            if let reason = HostNameSyntax.problem(in: name) { throw .invalid(reason) }
            name = try IDNA.toASCII(name)
        } else {
            // Encoding is quadratic in a label's length: a label that could never be a DNS label, even after the
            // mapping drops ignorable characters, is refused before IDNA runs.
            for label in text.split(omittingEmptySubsequences: false, whereSeparator: isDot)
            where label.unicodeScalars.count > maxUnicodeLabelLength {
                throw .invalid("a label is longer than \(maxUnicodeLabelLength) characters")
            }
            name = try IDNA.toASCII(String(text))
            if name.hasSuffix(".") { name.removeLast() }
            if let reason = HostNameSyntax.problem(in: name) { throw .invalid(reason) }
        }
        if PublicSuffixList.isPublicSuffix(name) {
            throw DomainNameError(code: DomainNameError.publicSuffixCode,
                                  message: "'\(name)' is a public suffix (publicsuffix.org): others register names below "
                                      + "it; add your own name, such as example.\(name)")
        }
        for zone in settings.providerZones {
            let zoneName = zone.lowercased().hasSuffix(".") ? String(zone.lowercased().dropLast()) : zone.lowercased()
            let relation = name == zoneName ? "is" : isName(name, atOrBelow: zoneName) ? "lies below"
                : isName(zoneName, atOrBelow: name) ? "lies above" : nil
            if let relation {
                throw DomainNameError(code: DomainNameError.reservedDomainCode,
                                      message: "'\(name)' \(relation) the provider zone '\(zoneName)'")
            }
        }
        if let reason = generatedNameProblem(name, settings: settings) { throw .invalid(reason) }
        return name
    }

    /// Why a name the zone of `name` would hold (the DKIM and DMARC owners) is too long, or nil when all fit.
    static func generatedNameProblem(_ name: String, settings: ProviderSettings) -> String? {
        let keys = [DKIMPublication(selector: settings.dkimSelector, keyType: .rsa, publicKey: "")]
            + (settings.dkimEd25519Selector.map { [DKIMPublication(selector: $0, keyType: .ed25519, publicKey: "")] } ?? [])
        let generated = MailZone.publishedRecords(for: MailDomain(name: name, dkim: keys, serial: 0), settings: settings)
            .map(\.name)
        guard let longest = generated.max(by: { $0.utf8.count < $1.utf8.count }),
              longest.utf8.count > HostNameSyntax.maxLength else { return nil }
        return "the name is too long for its records: '\(longest.prefix(40))...' would be \(longest.utf8.count) "
            + "characters; the limit is \(HostNameSyntax.maxLength), so the name may have at most "
            + "\(HostNameSyntax.maxLength - (longest.utf8.count - name.utf8.count)) characters"
    }

    /// The longest Unicode label handed to IDNA (scalars).
    static let maxUnicodeLabelLength = 255

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
