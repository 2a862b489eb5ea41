/// The syntax rules for host names in presentation form (RFC 1035 section 2.3.1, RFC 1123 section 2.1),
/// shared by the customer-name validator and the settings check.
enum HostNameSyntax {
    /// The longest name in presentation form without the trailing dot (255 wire octets).
    static let maxLength = 253
    /// The longest label.
    static let maxLabelLength = 63

    /// Checks an ASCII name without a trailing dot: at least `minimumLabels` labels of 1-63 letters, digits
    /// and hyphens, no label starting or ending with a hyphen, at most 253 characters, and a last label that
    /// is not all digits (it would read as an IPv4 address). Returns the reason when the name fails.
    static func problem(in name: String, minimumLabels: Int = 2) -> String? {
        guard !name.isEmpty else { return "the name is empty" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: \.isEmpty) { return "the name '\(IDNA.escaped(name))' has an empty label" }
        for label in labels {
            if let reason = labelProblem(label) { return reason }
        }
        if name.utf8.count > maxLength {
            return "the name is \(name.utf8.count) characters long; the limit is \(maxLength)"
        }
        if labels.count < minimumLabels {
            return minimumLabels == 2 ? "the name needs at least two labels" : "the name needs at least \(minimumLabels) labels"
        }
        if let last = labels.last, last.utf8.allSatisfy(isDigit) {
            return "the last label '\(last)' is all digits"
        }
        return nil
    }

    /// Why one label is not a letters-digits-hyphen label of 1-63 octets, or nil when it is.
    /// The label is shown with its invisible characters escaped (`IDNA.escaped`).
    static func labelProblem(_ label: Substring) -> String? {
        let octets = label.utf8.count
        let shown = IDNA.escaped(String(label))
        if octets > maxLabelLength {
            return "label '\(shown)' is \(octets) octets long; the limit is \(maxLabelLength)"
        }
        if let bad = label.unicodeScalars.first(where: { !isLetterDigitHyphen($0) }) {
            return "label '\(shown)' contains '\(bad.escaped(asASCII: false))'"
        }
        if label.hasPrefix("-") { return "label '\(shown)' starts with a hyphen" }
        if label.hasSuffix("-") { return "label '\(shown)' ends with a hyphen" }
        return nil
    }

    /// True for an ASCII digit.
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// True for an ASCII letter, digit or hyphen.
    private static func isLetterDigitHyphen(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        let byte = UInt8(scalar.value)
        return isDigit(byte) || byte == UInt8(ascii: "-")
            || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }
}
