import DNSWire
import Storage
import ZoneFile

/// A generated zone (an API domain's, or the catalog) as a master file: the version WistDNS serves now, read
/// from the stored zone versions, for `GET /api/v1/domains/:id/zone` and `wistdns export ZONE`.
public enum ZoneExport {
    /// The master file of the stored zone `zone` (any case, with or without the final dot); nil when no
    /// generated zone has that name (zone files are master files already).
    public static func masterFile(database: Database, zone: String) throws -> String? {
        let origin = try Name(zone.hasSuffix(".") ? zone : zone + ".").lowercased()
        let text = origin.description
        let name = text == "." ? text : String(text.dropLast())
        guard let stored = try database.zoneVersion(name: name) else { return nil }
        // The stored version with the changes journaled since replayed on it (a large catalog's).
        let changes = ZoneChangeRow.changes(after: stored.version, in: stored.changes)
        let records = RecordList.applying(
            try changes.map { (removed: try RecordList.decode(Array($0.removed)), added: try RecordList.decode(Array($0.added))) },
            to: try RecordList.decode(Array(stored.version.records)))
        let serial = changes.last?.toSerial ?? stored.version.serial
        return MasterFileWriter.text(origin: origin, records: records,
                                     comment: ["\(origin) serial \(serial), as WistDNS serves it"])
    }
}
