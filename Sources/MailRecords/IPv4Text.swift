/// Dotted-quad IPv4 text (`192.0.2.25`).
enum IPv4Text {
    /// The four octets of strict dotted-quad text: four decimal numbers 0-255 without leading zeros
    /// (which some parsers read as octal), or nil.
    static func parse(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        return octets
    }
}
