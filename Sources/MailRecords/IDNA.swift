import CIDN2

/// Internationalized domain names as IDNA2008 defines them (RFC 5891, with the code point rules of RFC 5892, the
/// Bidi rule of RFC 5893 and the contextual rules), after the nontransitional mapping of UTS #46, through the
/// system libidn2.
///
/// What it refuses, so that no customer can register a look-alike of another's name: disallowed code points
/// (symbols and emoji, controls such as U+0085, bidi overrides such as U+202E, private use, unassigned code points),
/// joiners outside the contexts that allow them (U+200C/U+200D), labels that break the Bidi rule or a CONTEXTO
/// rule (U+00B7 outside "l·l", U+30FB without kana or Han), and `xn--` labels that do not decode to a valid U-label
/// or do not encode back to themselves.
enum IDNA {
    /// The A-label form of `name` (a name without its trailing dot, labels separated by any of the dots UTS #46
    /// maps to a full stop), lowercased. Throws `invalid_domain_name` with libidn2's reason when the name is not a
    /// valid IDNA2008 name. Labels that are not IDNA (such as `a_b`) pass through unchanged for the host-name
    /// syntax check that follows.
    static func toASCII(_ name: String) throws(DomainNameError) -> String {
        guard !name.unicodeScalars.contains("\0") else { throw .invalid("the name contains U+0000") }
        var output: UnsafeMutablePointer<CChar>? = nil
        defer { idn2_free(output) }
        let code = idn2_to_ascii_8z(name, &output, wistdns_idn2_lookup_flags)
        guard code == IDN2_OK.rawValue, let output else {
            throw .invalid("'\(escaped(name))' is not a valid internationalized domain name: \(reason(code))")
        }
        let ascii = String(cString: output)
        try checkALabels(ascii, input: name)
        return ascii
    }

    /// The checks libidn2's lookup leaves out (its `IDN2_ALABEL_ROUNDTRIP` covers the rest): every `xn--` label
    /// also passes the registration tests, which add the CONTEXTO rules; and in a name with a right-to-left label,
    /// no ASCII label may start with a digit (the Bidi rule across labels, RFC 5893 section 1.4).
    private static func checkALabels(_ ascii: String, input: String) throws(DomainNameError) {
        var rightToLeft = false
        for label in ascii.split(separator: ".") where label.lowercased().hasPrefix("xn--") {
            let code = idn2_register_u8(nil, String(label), nil, 0)
            guard code == IDN2_OK.rawValue else {
                throw .invalid("'\(escaped(input))' is not a valid internationalized domain name: label '\(label)': "
                    + reason(code))
            }
            rightToLeft = rightToLeft || isRightToLeft(String(label))
        }
        if rightToLeft, let label = ascii.split(separator: ".").first(where: { $0.first?.isNumber == true }) {
            throw .invalid("'\(escaped(input))' has a right-to-left label, so the label '\(label)' may not start "
                + "with a digit (RFC 5893)")
        }
    }

    /// True when the A-label decodes to text with a right-to-left character (Hebrew, Arabic, Syriac, Thaana, NKo,
    /// Samaritan, Mandaic and the other scripts of the right-to-left blocks).
    private static func isRightToLeft(_ aLabel: String) -> Bool {
        var unicode: UnsafeMutablePointer<CChar>? = nil
        defer { idn2_free(unicode) }
        guard idn2_to_unicode_8z8z(aLabel, &unicode, 0) == IDN2_OK.rawValue, let unicode else { return false }
        return String(cString: unicode).unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0590 ... 0x08FF, 0xFB1D ... 0xFDFF, 0xFE70 ... 0xFEFF, 0x10800 ... 0x10FFF, 0x1E800 ... 0x1EFFF: true
            default: false
            }
        }
    }

    /// libidn2's sentence for an error code.
    private static func reason(_ code: Int32) -> String {
        idn2_strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }

    /// The text with every invisible or unassigned scalar (controls, format characters such as bidi overrides and
    /// joiners, separators other than the space, private use, unassigned) written as `\u{...}`, so a message can
    /// never carry one into a log or a user interface; letters, marks and symbols stay as they are.
    static func escaped(_ text: String) -> String {
        String(text.unicodeScalars.flatMap { scalar -> [Character] in
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate, .unassigned, .lineSeparator, .paragraphSeparator:
                Array(scalar.escaped(asASCII: true))
            case .spaceSeparator where scalar != " ":
                Array(scalar.escaped(asASCII: true))
            default:
                [Character(scalar)]
            }
        })
    }
}
