import DNSWire
import Foundation
import Testing
@testable import ZoneFile

/// Shared helpers for the ZoneFile suites.
enum Support {
    static func name(_ text: String) -> Name {
        // Test literals are valid names; a bad one fails the test through the thrown error's crash-free path.
        (try? Name(text)) ?? .root
    }

    /// Parses `text` and returns the zone, recording a test failure with every error when it does not parse.
    static func parseValid(_ text: String, origin: String, file: String = "test.zone",
                           includeRoot: String? = nil) -> ParsedZone? {
        switch ZoneFileParser.parse(text: text, origin: name(origin), file: file, includeRoot: includeRoot) {
        case .success(let zone): return zone
        case .failure(let errors):
            Issue.record("unexpected errors:\n\(errors)")
            return nil
        }
    }

    /// Parses `text` that must fail and returns the error lines (`file:line: message`).
    static func parseErrors(_ text: String, origin: String = "example.com.", file: String = "bad.zone",
                            includeRoot: String? = nil) -> [String] {
        switch ZoneFileParser.parse(text: text, origin: name(origin), file: file, includeRoot: includeRoot) {
        case .success:
            Issue.record("expected errors, but the zone parsed")
            return []
        case .failure(let errors): return errors.errors.map(\.description)
        }
    }

    /// Records of `type` at `owner` in the zone.
    static func records(_ zone: ParsedZone, _ owner: String, _ type: RecordType) -> [Record] {
        let ownerName = name(owner).lowercased()
        return zone.records.filter { $0.name.lowercased() == ownerName && $0.type == type }
    }

    /// The RDATA of records of `type` at `owner`.
    static func rdata(_ zone: ParsedZone, _ owner: String, _ type: RecordType) -> [RData] {
        records(zone, owner, type).map(\.rdata)
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zonefile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The start of a valid zone for `example.com.` (4 lines), to append broken lines to from line 5 on.
    static let header = """
        $TTL 300
        @ SOA ns1 hostmaster 1 7200 900 1209600 300
          NS ns1
        ns1 A 192.0.2.1

        """
}
