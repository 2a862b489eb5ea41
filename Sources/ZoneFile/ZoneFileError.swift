/// One problem found in a master file, with the place it was found.
public struct ZoneFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path (or label) of the file the problem is in; for an `$INCLUDE`d file, that file's path.
    public let file: String
    /// The 1-based line of the problem, or 0 when it concerns the whole file (unreadable, no SOA, no NS).
    public let line: Int
    /// What is wrong, in words.
    public let message: String

    /// Creates an error at `file:line`.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form compilers and `named-checkzone` use.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found while reading one zone, in the order they were found.
public struct ZoneFileErrors: Error, Sendable, CustomStringConvertible {
    /// The problems; never empty when returned by the parser.
    public let errors: [ZoneFileError]

    /// Wraps a list of problems.
    public init(errors: [ZoneFileError]) {
        self.errors = errors
    }

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
