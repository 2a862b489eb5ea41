import DNSWire

/// Domain names as the API writes them: absolute, with or without the trailing dot.
enum NameText {
    /// The name for `text` taken as absolute, or nil when it is not a valid name.
    static func absolute(_ text: String) -> Name? {
        try? Name(text, origin: .root)
    }
}
