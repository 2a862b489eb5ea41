import GRDB

/// What a storage operation reports when it fails. The cases are stable: the API maps them to HTTP errors.
public enum StorageError: Error, Equatable, Sendable {
    /// A UNIQUE or PRIMARY KEY constraint refused the change; the value names the field, in the rows'
    /// camelCase spelling (`"name"`, `"localPart"`, `"keyHash"`, `"id"`, `"selector"`).
    case duplicate(String)
    /// The row the operation needs does not exist (for example the domain of a new mailbox).
    case notFound
    /// Anything else (I/O, a broken invariant, a database that cannot be opened), with a description.
    case other(String)
}

extension StorageError {
    /// Maps an error thrown inside a database access to a `StorageError`.
    ///
    /// A `StorageError` thrown by our own code passes through. UNIQUE and PRIMARY KEY violations become
    /// `.duplicate` with the last column SQLite names (`"UNIQUE constraint failed: mailboxes.domain_id,
    /// mailboxes.local_part"` -> `"localPart"`); a FOREIGN KEY violation means the parent row is missing.
    init(_ error: any Error) {
        if let error = error as? StorageError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .other(String(describing: error))
            return
        }
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            self = .duplicate(Self.field(inConstraintMessage: error.message ?? ""))
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .notFound
        default:
            self = .other(error.description)
        }
    }

    /// `"UNIQUE constraint failed: domains.name"` -> `"name"`; `"key_hash"` -> `"keyHash"`.
    private static func field(inConstraintMessage message: String) -> String {
        let lastColumn = message.split(separator: ",").last.map(String.init) ?? message
        let column = lastColumn.split(separator: ".").last.map(String.init) ?? lastColumn
        let words = column.filter { $0 != " " }.split(separator: "_")
        guard let first = words.first else { return column }
        return String(first) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
