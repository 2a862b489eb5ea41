import DNSWire

/// A record with the place it was read from, so that the zone checks can say where a problem is.
struct LocatedRecord {
    var record: Record
    let file: String
    let line: Int
}

/// Reads master-file text entry by entry: directives, owners, TTL and class, type and RDATA. Errors are
/// collected and reading goes on with the next entry.
///
/// TTLs follow BIND: a record without a TTL takes `$TTL`; before any `$TTL` it takes the last TTL written on a
/// record (RFC 1035 section 5.1); an SOA read before any TTL at all takes its own MINIMUM field, which then
/// becomes the default. Any other record without a TTL before all of these is an error.
struct MasterFileReader {
    /// The deepest chain of `$INCLUDE`s followed.
    static let maxIncludeDepth = 16

    let includeRoot: String?
    private(set) var records: [LocatedRecord] = []
    private(set) var errors: [ZoneFileError] = []
    private var defaultTTL: UInt32?
    private var lastTTL: UInt32?
    /// Real paths of the files being read, outermost first, to refuse include loops; the outermost one is resolved
    /// at the first `$INCLUDE` (a folder of 100,000 files without one resolves none).
    private var openFiles: [String] = []
    /// The path of the outermost file when it is a file on disk, until it is resolved into `openFiles`.
    private var topFile: String?

    /// Creates a reader; `topFile` is the path of the outermost file when it is a file on disk.
    init(includeRoot: String?, topFile: String?) {
        self.includeRoot = includeRoot
        self.topFile = topFile
    }

    /// Reads one file's text. `origin` is the origin relative names start from.
    mutating func read(_ bytes: [UInt8], file: String, origin: Name) {
        var tokenizer = Tokenizer(bytes)
        var state = FileState(file: file, origin: origin)
        while let result = tokenizer.next() {
            switch result {
            case .failure(let error):
                errors.append(ZoneFileError(file: file, line: error.line, message: error.message))
            case .success(let entry):
                do {
                    try handle(entry, &state)
                } catch {
                    errors.append(ZoneFileError(file: file, line: error.line ?? entry.line, message: error.message))
                }
            }
        }
    }

    /// What is local to one file: `$ORIGIN` and the previous owner do not leak out of an included file.
    private struct FileState {
        let file: String
        var origin: Name
        var owner: Name?
    }

    private mutating func handle(_ entry: Entry, _ state: inout FileState) throws(FieldError) {
        guard let first = entry.tokens.first else { return }
        if !entry.blankOwner, !first.quoted, first.bytes.first == UInt8(ascii: "$") {
            try directive(entry, &state)
        } else {
            try record(entry, &state)
        }
    }

    // MARK: directives

    private mutating func directive(_ entry: Entry, _ state: inout FileState) throws(FieldError) {
        let tokens = entry.tokens
        let keyword = FieldText.display(tokens[0]).uppercased()
        let arguments = tokens.dropFirst()
        switch keyword {
        case "$ORIGIN":
            guard arguments.count == 1, let name = arguments.first else { throw FieldError("$ORIGIN needs one name") }
            state.origin = try FieldText.name(name, origin: state.origin)
        case "$TTL":
            guard arguments.count == 1, let value = arguments.first else { throw FieldError("$TTL needs one value") }
            defaultTTL = try TTLParser.parse(value.bytes).get()
        case "$INCLUDE":
            guard (1 ... 2).contains(arguments.count), let path = arguments.first else {
                throw FieldError("$INCLUDE needs a file name and optionally an origin")
            }
            let origin = try arguments.dropFirst().first.map { token throws(FieldError) in
                try FieldText.name(token, origin: state.origin)
            } ?? state.origin
            try include(path, origin: origin)
        default:
            throw FieldError("unknown directive \(FieldText.display(tokens[0]))")
        }
    }

    private mutating func include(_ pathToken: Token, origin: Name) throws(FieldError) {
        guard let includeRoot else { throw FieldError("$INCLUDE is not allowed here (no include folder)") }
        let path = String(decoding: try FieldText.characterString(pathToken, limit: 4096), as: UTF8.self)
        let resolved = try IncludePaths.resolve(path, root: includeRoot).get()
        if let top = topFile.take(), let real = FileSystem.realPath(top) { openFiles.insert(real, at: 0) }
        guard !openFiles.contains(resolved.real) else { throw FieldError("$INCLUDE loop: '\(path)' is already being read") }
        guard openFiles.count < MasterFileReader.maxIncludeDepth else {
            throw FieldError("$INCLUDE nested more than \(MasterFileReader.maxIncludeDepth) deep")
        }
        guard let bytes = FileSystem.read(resolved.real) else { throw FieldError("cannot read $INCLUDE file '\(path)'") }
        openFiles.append(resolved.real)
        read(bytes, file: resolved.display, origin: origin)
        openFiles.removeLast()
    }

    // MARK: records

    private mutating func record(_ entry: Entry, _ state: inout FileState) throws(FieldError) {
        let tokens = entry.tokens
        var index = tokens.startIndex
        let owner: Name
        if entry.blankOwner {
            guard let previous = state.owner else { throw FieldError("no owner: the first record starts with a blank") }
            owner = previous
        } else {
            owner = try FieldText.name(tokens[index], origin: state.origin)
            index += 1
        }
        state.owner = owner

        var ttl: UInt32? = nil
        var sawClass = false
        while index < tokens.endIndex, !tokens[index].quoted {
            let token = tokens[index]
            if ttl == nil, TTLParser.looksLikeTTL(token.bytes) {
                ttl = try TTLParser.parse(token.bytes).mapError { FieldError($0.message, line: token.line) }.get()
            } else if !sawClass, let rclass = RecordClass(mnemonic: FieldText.display(token)) {
                guard rclass == .in else { throw FieldError("class \(rclass) is not supported (only IN)", line: token.line) }
                sawClass = true
            } else {
                break
            }
            index += 1
        }
        guard index < tokens.endIndex else { throw FieldError("missing record type") }
        let typeToken = tokens[index]
        guard !typeToken.quoted, let type = RecordType(mnemonic: FieldText.display(typeToken)) else {
            throw FieldError("unknown record type '\(FieldText.display(typeToken))'", line: typeToken.line)
        }
        guard !type.isMetaType else { throw FieldError("type \(type) cannot appear in a zone", line: typeToken.line) }
        let rdata = try RDataParser.parse(type: type, fields: tokens[(index + 1)...], origin: state.origin,
                                          line: entry.line)
        let recordTTL = try resolveTTL(explicit: ttl, rdata: rdata)
        records.append(LocatedRecord(record: Record(name: owner, type: type, ttl: recordTTL, rdata: rdata),
                                     file: state.file, line: entry.line))
    }

    /// The TTL of a record, BIND's way (see the type's documentation).
    private mutating func resolveTTL(explicit: UInt32?, rdata: RData) throws(FieldError) -> UInt32 {
        if let explicit {
            lastTTL = explicit
            return explicit
        }
        if let defaultTTL { return defaultTTL }
        if let lastTTL { return lastTTL }
        if case .soa(let soa) = rdata {
            let minimum = min(soa.minimum, TTLParser.maxRecordTTL)
            defaultTTL = minimum
            return minimum
        }
        throw FieldError("no TTL given, and no $TTL, earlier TTL or SOA before this record")
    }
}
