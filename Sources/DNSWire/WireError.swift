/// A failure to read or write DNS wire data. Every case says which field failed and where.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// The input ended before the field was complete.
        case truncated
        /// A label longer than 63 octets or a label type other than 00 or 11.
        case badLabel
        /// A name longer than 255 octets.
        case nameTooLong
        /// A compression pointer that points forward, to itself, or loops past the hop limit.
        case badPointer
        /// RDATA whose content does not match its RDLENGTH or its type's layout.
        case badRData
        /// More than one OPT record, or an OPT record that is not at the root or not in the additional section.
        case badOPT
        /// A TSIG record that is not the last record of the additional section (RFC 8945 section 5.1).
        case misplacedTSIG
        /// Presentation-format text that is not a valid name or value.
        case badText
    }

    /// What went wrong.
    public let kind: Kind
    /// The field that was being read, such as "qname" or "rdata".
    public let field: String
    /// The offset in the message (or text) at which the problem was found.
    public let offset: Int

    public init(_ kind: Kind, field: String, offset: Int) {
        self.kind = kind
        self.field = field
        self.offset = offset
    }

    public var description: String { "\(kind) in \(field) at offset \(offset)" }
}
