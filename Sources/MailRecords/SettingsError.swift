/// Why a `ProviderSettings` value cannot be used; `message` names the setting and the problem.
public struct SettingsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A sentence such as "sendingIPv4 '300.1.1.1' is not a dotted-quad IPv4 address".
    public let message: String

    /// An error with the given message.
    public init(message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
