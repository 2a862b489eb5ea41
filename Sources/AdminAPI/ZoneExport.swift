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
        let records = try RecordList.decode(Array(stored.version.records))
        return MasterFileWriter.text(origin: origin, records: records,
                                     comment: ["\(origin) serial \(stored.version.serial), as WistDNS serves it"])
    }
}
