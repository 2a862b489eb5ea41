import DNSWire

/// Parses master files (RFC 1035 section 5, as BIND and NSD read them) into checked zones.
///
/// Supported: `$ORIGIN`, `$TTL`, `$INCLUDE file [origin]`, `@`, relative names, blank owners, parentheses,
/// comments, quoted strings with `\"`, `\\` and `\DDD`, TTL units (`1w2d3h`), TTL and class in either order,
/// class IN only, types A, AAAA, NS, CNAME, SOA, PTR, MX, TXT, SRV and CAA in their usual form and every type in
/// the generic RFC 3597 form (`TYPE99 \# 2 ABCD`). See `MasterFileReader` for how missing TTLs are filled in.
public enum ZoneFileParser {
    /// Parses text as a master file for `origin`. `includeRoot` is the folder $INCLUDE paths are relative to and
    /// must stay within (nil: $INCLUDE is an error). `file` names the text in error messages.
    public static func parse(text: String, origin: Name, file: String, includeRoot: String?)
        -> Result<ParsedZone, ZoneFileErrors>
    {
        parse(bytes: Array(text.utf8), origin: origin, file: file, realPath: nil, includeRoot: includeRoot)
    }

    /// Reads and parses the master file at `path` for `origin`; see `parse(text:origin:file:includeRoot:)`.
    public static func parse(file path: String, origin: Name, includeRoot: String?) -> Result<ParsedZone, ZoneFileErrors> {
        guard let bytes = FileSystem.read(path) else {
            return .failure(ZoneFileErrors(errors: [ZoneFileError(file: path, line: 0, message: "cannot read the file")]))
        }
        return parse(bytes: bytes, origin: origin, file: path, realPath: FileSystem.realPath(path), includeRoot: includeRoot)
    }

    private static func parse(bytes: [UInt8], origin: Name, file: String, realPath: String?,
                              includeRoot: String?) -> Result<ParsedZone, ZoneFileErrors> {
        var reader = MasterFileReader(includeRoot: includeRoot, topFile: realPath)
        reader.read(bytes, file: file, origin: origin)
        let outcome = ZoneChecks.check(reader.records, origin: origin, file: file)
        let errors = reader.errors + outcome.errors
        guard errors.isEmpty else { return .failure(ZoneFileErrors(errors: errors)) }
        return .success(ParsedZone(origin: origin, records: outcome.records, file: file, warnings: outcome.warnings))
    }
}
