import DNSWire
import Logging
import Synchronization
import TSIG
@testable import Notify

/// The SOA record of `origin` with `serial`.
func soaRecord(_ origin: String, serial: UInt32) throws -> Record {
    let name = try Name(origin)
    let data = SOA(mname: try Name("ns1.example.net."), rname: try Name("hostmaster.example.net."), serial: serial,
                   refresh: 86400, retry: 3600, expire: 1_209_600, minimum: 300)
    return Record(name: name, type: .soa, ttl: 3600, rdata: .soa(data))
}

/// A zone change for `origin` with `serial`.
func change(_ origin: String, serial: UInt32) throws -> ZoneChange {
    ZoneChange(origin: try Name(origin), soa: try soaRecord(origin, serial: serial))
}

/// The response a secondary sends to `notify`: QR set, the same ID, opcode and question, the given RCODE.
func response(to notify: Message, rcode: Rcode = .noError, id: UInt16? = nil) -> [UInt8] {
    var header = Header(id: id ?? notify.header.id)
    header.opcode = notify.header.opcode
    header.isResponse = true
    header.isAuthoritative = true
    header.rcodeLow = UInt8(rcode.rawValue & 0x0F)
    return Message(header: header, questions: notify.questions).encoded()
}

/// A logger whose messages at `level` and above are kept in `entries`.
final class RecordingLog: Sendable {
    let entries = Mutex<[(Logger.Level, String)]>([])

    func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "notify-test") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    /// The messages logged at `level`.
    func messages(at level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.0 == level }.map(\.1) }
    }

    private struct Handler: LogHandler {
        let log: RecordingLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let details = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            log.entries.withLock { $0.append((event.level, "\(event.message) \(details.joined(separator: " "))")) }
        }
    }
}

/// The TSIG key the tests sign NOTIFYs with, and a keyring that knows it (as the secondary's does).
let notifyKey = try! TSIGKey(spec: "notify-key.example.:hmac-sha256:bm90aWZ5LWtleS1zZWNyZXQtZm9yLXRlc3Rz")

/// What a secondary with `keyring` answers to the signed NOTIFY `bytes` at `now`: the answer signed with the
/// request's key when it verifies, else NOTAUTH with the TSIG error (unsigned for BADKEY and BADSIG).
func signedResponse(to bytes: [UInt8], keyring: TSIGKeyring, now: UInt64) throws -> [UInt8] {
    let notify = try Message(parsing: bytes)
    switch bytes.withUnsafeBytes({ keyring.verify(request: $0, now: now) }) {
    case .valid(var session):
        var answer = response(to: notify)
        session.sign(&answer, now: now)
        return answer
    case .rejected(var rejection):
        var writer = MessageWriter(limit: 65535)
        for byte in response(to: notify, rcode: .notAuth) {
            writer.appendUInt8(byte)
        }
        rejection.sign(&writer, now: now)
        return writer.bytes
    case .unsigned, .malformed:
        throw TSIGKeyError("the NOTIFY is not signed")
    }
}
