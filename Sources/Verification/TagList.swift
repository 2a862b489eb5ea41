/// `tag=value; tag=value` lists as DKIM (RFC 6376 section 3.2) and DMARC (RFC 7489 section 6.3) write them.
enum TagList {
    /// The tags in order: names lowercased, names and values trimmed of whitespace. Empty parts are skipped;
    /// a part without `=` is kept with an empty value.
    static func parse(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: ";", omittingEmptySubsequences: true).compactMap { part in
            let trimmed = trim(part)
            guard !trimmed.isEmpty else { return nil }
            guard let equals = trimmed.firstIndex(of: "=") else { return (trimmed.lowercased(), "") }
            return (trim(trimmed[..<equals]).lowercased(), trim(trimmed[trimmed.index(after: equals)...]))
        }
    }

    /// The first value of each tag.
    static func dictionary(_ text: String) -> [String: String] {
        var tags: [String: String] = [:]
        for (name, value) in parse(text) where tags[name] == nil { tags[name] = value }
        return tags
    }

    /// Text without leading and trailing whitespace.
    static func trim(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Words separated by single spaces.
    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Text with every whitespace character removed (base64 values may be folded).
    static func removeWhitespace(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace })
    }
}
