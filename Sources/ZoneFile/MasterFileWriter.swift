import DNSWire

/// Writes a zone as a master file (RFC 1035 section 5) that `ZoneFileParser`, `named-checkzone` and the other
/// servers read back to the same records: absolute names, every record with its TTL and class, the SOA first,
/// then the rest in canonical name order (RFC 4034 section 6.1), each RRset together.
public enum MasterFileWriter {
    /// The text of the zone `origin` with `records`, after `comment` lines (each prefixed with `; `).
    public static func text(origin: Name, records: [Record], comment: [String] = []) -> String {
        var lines = comment.map { "; " + $0 }
        lines.append("$ORIGIN \(origin)")
        let soa = records.filter { $0.type == .soa }
        let rest = records.enumerated().filter { $0.element.type != .soa }.sorted { left, right in
            let (a, b) = (left.element, right.element)
            if a.name < b.name || b.name < a.name { return a.name < b.name }
            if a.type != b.type { return a.type.rawValue < b.type.rawValue }
            return left.offset < right.offset  // an RRset keeps the order it is served in
        }.map(\.element)
        lines += (soa + rest).map(\.description)
        return lines.joined(separator: "\n") + "\n"
    }
}
