import DNSWire

/// Parses master files (RFC 1035 section 5, as BIND and NSD read them) into checked zones.
///
/// Supported: `$ORIGIN`, `$TTL`, `$INCLUDE file [origin]`, `@`, relative names, blank owners, parentheses,
/// comments, quoted strings with `\"`, `\\` and `\DDD`, TTL units (`1w2d3h`), TTL and class in either order,
/// class IN only, types A, AAAA, NS, CNAME, SOA, PTR, MX, TXT, SRV and CAA in their usual form and every type in
/// the generic RFC 3597 form (`TYPE99 \# 2 ABCD`).
///
/// A record without a TTL takes BIND's default: `$TTL`; before any `$TTL`, the last TTL written on a record
/// (RFC 1035 section 5.1); an SOA read before any TTL at all takes its own MINIMUM field, which then becomes the
/// default. Any other record without a TTL before all of these is an error. TTLs above 2^31-1 are errors.
///
/// After reading, the zone is checked as `named-checkzone` does (see `ParsedZone`). All errors of a file, and of
/// the files it includes, are returned together.
public enum ZoneFileParser {
    /// Parses text as a master file for `origin`. `includeRoot` is the folder $INCLUDE paths are relative to and
    /// must stay within (nil: $INCLUDE is an error). `file` names the text in error messages.
    public static func parse(text: String, origin: Name, file: String, includeRoot: String?)
        -> Result<ParsedZone, ZoneFileErrors>
    {
        parse(bytes: Array(text.utf8), origin: origin, file: file, topFile: nil, includeRoot: includeRoot)
    }

    /// Reads and parses the master file at `path` for `origin`; see `parse(text:origin:file:includeRoot:)`.
    public static func parse(file path: String, origin: Name, includeRoot: String?) -> Result<ParsedZone, ZoneFileErrors> {
        guard let bytes = FileSystem.read(path) else {
            return .failure(ZoneFileErrors(errors: [ZoneFileError(file: path, line: 0, message: "cannot read the file")]))
        }
        return parse(bytes: bytes, origin: origin, file: path, topFile: path, includeRoot: includeRoot)
    }

    private static func parse(bytes: [UInt8], origin: Name, file: String, topFile: String?,
                              includeRoot: String?) -> Result<ParsedZone, ZoneFileErrors> {
        var reader = MasterFileReader(includeRoot: includeRoot, topFile: topFile)
        reader.read(bytes, file: file, origin: origin)
        let outcome = ZoneChecks.check(reader.records, origin: origin, file: file)
        let errors = reader.errors + outcome.errors
        guard errors.isEmpty else { return .failure(ZoneFileErrors(errors: errors)) }
        return .success(ParsedZone(origin: origin, records: outcome.records, file: file, warnings: outcome.warnings))
    }
}
