import AdminAPI
import Foundation
import Glibc
import Logging
import Synchronization

/// `--log-format json`: one JSON object a line on standard error, for log collectors: `time` (UTC, ms),
/// `level`, `label`, `source` (the module), `message`, then every metadata field (a line about a domain carries
/// `domain`, its id, and `name`), and `error` when the event has one.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// One line at a time on standard error, so that two threads' lines never interleave.
    private static let output = Mutex<Void>(())

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        var members: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("source", .string(event.source)), ("message", .string(event.message.description)),
        ]
        // A field named like one of the line's own keys is prefixed, so that no key appears twice.
        let own: Set<String> = ["time", "level", "label", "source", "message", "error"]
        members += fields.sorted { $0.key < $1.key }.map { (own.contains($0.key) ? "field." + $0.key : $0.key, Self.json($0.value)) }
        if let error = event.error { members.append(("error", .string("\(error)"))) }
        let line = JSONValue.object(members).serialized + "\n"
        // write(2), errors ignored: a log line that cannot be written (a closed pipe, a full disk) must not stop
        // the server (FileHandle.write traps on them).
        var bytes = Array(line.utf8)
        Self.output.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
                if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { break }
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary): .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }

    private static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
