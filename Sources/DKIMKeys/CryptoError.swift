internal import COpenSSL

/// A failed OpenSSL operation.
public struct CryptoError: Error, CustomStringConvertible, Equatable {
    /// What was being done, e.g. `"generate rsa-2048"` or `"read private key PEM"`.
    public let operation: String
    /// Why it failed: OpenSSL's error strings (`ERR_error_string_n`), or a message of our own.
    public let detail: String

    /// Creates an error with the given operation and detail.
    public init(operation: String, detail: String) {
        self.operation = operation
        self.detail = detail
    }

    /// A one-line message: `"<operation> failed: <detail>"`.
    public var description: String { "\(operation) failed: \(detail)" }

    /// Drains this thread's OpenSSL error queue into an error for `operation`.
    static func openSSL(_ operation: String) -> CryptoError {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return CryptoError(
            operation: operation,
            detail: messages.isEmpty ? "no OpenSSL error reported" : messages.joined(separator: "; ")
        )
    }
}
