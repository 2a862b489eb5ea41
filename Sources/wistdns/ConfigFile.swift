import Foundation
import MailRecords

/// The optional JSON configuration file (`--config FILE`). Every key is optional; a command-line option given
/// explicitly wins over the file, and the file wins over the built-in default.
struct ConfigFile: Decodable, Equatable {
    var zones: String?
    var dnsListen: [String]?
    var apiListen: String?
    /// `--metrics-listen`.
    var metricsListen: String?
    /// The API's limits (`--api-request-timeout`, `--api-max-connections`, `--api-write-rate`, `--api-write-burst`).
    var apiRequestTimeout: Int?
    var apiMaxConnections: Int?
    var apiWriteRate: Double?
    var apiWriteBurst: Int?
    var db: String?
    var workers: Int?
    var udpPayload: UInt16?
    var tcpIdleTimeout: Int?
    var tcpMaxConnections: Int?
    var tcpMaxPerSource: Int?
    var logLevel: String?
    /// `--log-format`: text or json.
    var logFormat: String?
    var dkimKeyPool: Int?
    var resolvers: [String]?
    /// `--webhook` (repeatable), `--webhook-secret`, `--webhook-private-addresses`.
    var webhooks: [String]?
    var webhookSecret: String?
    var webhookPrivateAddresses: Bool?
    /// `--dkim-rotate-after` (days), `--dkim-retire-after` and `--dkim-rotation-check` (seconds).
    var dkimRotateAfter: Int?
    var dkimRetireAfter: Int?
    var dkimRotationCheck: Int?
    /// `--probe-private-addresses`.
    var probePrivateAddresses: Bool?
    var verifyInterval: Int?
    var verifyFirstCheck: Int?
    /// TSIG keys as `NAME:ALGORITHM:BASE64SECRET`.
    var tsigKeys: [String]?
    var allowTransfer: [String]?
    var catalogZone: String?
    var notify: [String]?
    var notifyKey: String?
    /// Response rate limiting (`--rrl-*`).
    var rrlRate: Int?
    var rrlSlip: Int?
    var rrlExempt: [String]?
    var rrlIPv4Prefix: Int?
    var rrlIPv6Prefix: Int?
    /// DNS Cookies (`--cookies`, `--cookie-secret`, `--cookie-rotation`).
    var cookies: Bool?
    var cookieSecret: String?
    var cookieRotation: Int?
    var provider: ProviderSettings?

    /// Reads and decodes `path`; errors name the file and what is wrong.
    static func load(_ path: String?) throws -> ConfigFile {
        guard let path else { return ConfigFile() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError("cannot read config file \(path): \(error.localizedDescription)")
        }
        do {
            let decoder = JSONDecoder()
            return try decoder.decode(ConfigFile.self, from: data)
        } catch {
            throw ConfigError("config file \(path) is not valid: \(error)")
        }
    }
}

/// A configuration problem, reported before anything starts.
struct ConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The default database location: under `data/`, created on first start with mode 0600.
let defaultDatabasePath = "data/wistdns.sqlite"
