/// Splits TXT values into the character-strings of a TXT record's RDATA.
public enum TXTSplitter {
    /// The longest character-string (RFC 1035 section 3.3: one length octet).
    public static let maxStringLength = 255

    /// Splits a TXT value into character-strings of at most 255 octets (UTF-8), in order; "" gives one empty
    /// string. Concatenating the strings gives back the input's UTF-8.
    ///
    /// DNS allows a split at any octet, and SPF and DKIM readers concatenate the strings before parsing
    /// (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2). Strings are filled greedily but never cut inside a
    /// character (a grapheme cluster), so each string is valid UTF-8 on its own; only a single character
    /// longer than 255 octets is cut, and then between its Unicode scalars.
    public static func split(_ value: String) -> [[UInt8]] {
        // Printable ASCII (every SPF, DKIM and DMARC value we make): each octet is a character of its own, so the
        // greedy split is every 255 octets. Walking grapheme clusters costs far more (a start builds 100,000 zones).
        let octets = Array(value.utf8)
        if octets.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            guard !octets.isEmpty else { return [[]] }
            return stride(from: 0, to: octets.count, by: maxStringLength).map {
                Array(octets[$0 ..< min($0 + maxStringLength, octets.count)])
            }
        }
        var strings: [[UInt8]] = []
        var current: [UInt8] = []
        for character in value {
            let octets = Array(character.utf8)
            if current.count + octets.count <= maxStringLength {
                current += octets
            } else if octets.count <= maxStringLength {
                strings.append(current)
                current = octets
            } else {
                for scalar in character.unicodeScalars {
                    if current.count + scalar.utf8.count > maxStringLength {
                        strings.append(current)
                        current = []
                    }
                    current += scalar.utf8
                }
            }
        }
        strings.append(current)
        return strings
    }
}
