import Glibc

/// A system call that failed (or a start that could not be made), saying which call, for which address, and why.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What failed: a system call such as `bind` or `setsockopt(SO_REUSEPORT)`, or `start`.
    public let operation: String
    /// The address and transport concerned, such as `127.0.0.1:53/udp`, when there is one.
    public let address: String?
    /// The errno value, when a system call failed.
    public let code: Int32?
    /// An explanation when no errno applies.
    public let detail: String?

    /// A system call failed with `code`.
    package init(_ operation: String, address: String? = nil, code: Int32) {
        self.operation = operation
        self.address = address
        self.code = code
        self.detail = nil
    }

    /// A failure that is not a system call's.
    package init(_ operation: String, detail: String) {
        self.operation = operation
        self.address = nil
        self.code = nil
        self.detail = detail
    }

    /// Why it failed: the errno text (`Connection refused`) or the explanation.
    public var reason: String {
        if let code { return String(cString: strerror(code)) }
        return detail ?? "unknown error"
    }

    public var description: String {
        var text = operation
        if let address { text += " \(address)" }
        text += " failed"
        if let code { text += ": \(String(cString: strerror(code))) (errno \(code))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}
