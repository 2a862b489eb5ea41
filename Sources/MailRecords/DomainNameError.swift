/// Why a domain name a customer asked to add was refused.
///
/// `code` is stable and is what the domains API returns as its JSON error code; `message` says precisely why.
public struct DomainNameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The code for a name that is not a valid host name (syntax, lengths, label count).
    public static let invalidDomainNameCode = "invalid_domain_name"
    /// The code for a name that is one of the provider's zones or lies below or above one.
    public static let reservedDomainCode = "reserved_domain"
    /// The code for a name that is a public suffix (`co.uk`), under which others register their names.
    public static let publicSuffixCode = "public_suffix"

    /// `invalid_domain_name`, `reserved_domain` or `public_suffix`.
    public let code: String
    /// A sentence for people, such as "label 'a_b' contains '_'".
    public let message: String

    /// An error with the given code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// An `invalid_domain_name` error.
    static func invalid(_ message: String) -> DomainNameError {
        DomainNameError(code: invalidDomainNameCode, message: message)
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
