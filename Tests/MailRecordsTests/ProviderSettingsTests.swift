import Foundation
import MailRecords
import Testing

@Suite("ProviderSettings: JSON config and validation")
struct ProviderSettingsTests {
    @Test func defaultsAreValid() throws {
        try ProviderSettings().validate()
    }

    @Test func partialJSONKeepsTheOtherDefaults() throws {
        let json = Data(#"{"mailHost": "mx.example.net"}"#.utf8)
        let settings = try JSONDecoder().decode(ProviderSettings.self, from: json)
        var expected = ProviderSettings()
        expected.mailHost = "mx.example.net"
        #expect(settings == expected)
    }

    @Test func emptyObjectGivesTheDefaults() throws {
        #expect(try JSONDecoder().decode(ProviderSettings.self, from: Data("{}".utf8)) == ProviderSettings())
    }

    @Test func roundTripsThroughJSON() throws {
        let settings = ProviderSettings(nameservers: ["a.ns.example"], mxPriority: 20, ttl: 600)
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(ProviderSettings.self, from: data) == settings)
    }

    @Test func wrongTypeIsAnError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ProviderSettings.self, from: Data(#"{"ttl": "1h"}"#.utf8))
        }
    }

    @Test("validate rejects", arguments: [
        (ProviderSettings(sendingIPv4: "300.1.1.1"), "sendingIPv4 '300.1.1.1' is not a dotted-quad IPv4 address"),
        (ProviderSettings(sendingIPv4: "192.0.2"), "sendingIPv4 '192.0.2' is not a dotted-quad IPv4 address"),
        (ProviderSettings(sendingIPv4: "192.0.2.025"), "sendingIPv4 '192.0.2.025' is not a dotted-quad IPv4 address"),
        (ProviderSettings(sendingIPv4: "2001:db8::25"), "sendingIPv4 '2001:db8::25' is not a dotted-quad IPv4 address"),
        (ProviderSettings(nameservers: []), "nameservers is empty"),
        (ProviderSettings(nameservers: ["ns1.wistfare.net", "NS1.wistfare.net."]), "nameservers lists a name twice"),
        (ProviderSettings(nameservers: ["ns_1.wistfare.net"]), "nameservers 'ns_1.wistfare.net': label 'ns_1' contains '_'"),
        (ProviderSettings(mailHost: "mail"), "mailHost 'mail': the name needs at least two labels"),
        (ProviderSettings(hostmaster: "hostmaster@wistfare.net"),
         "hostmaster 'hostmaster@wistfare.net': label 'hostmaster@wistfare' contains '@'"),
        (ProviderSettings(dkimSelector: "wist mail"), "dkimSelector 'wist mail': label 'wist mail' contains ' '"),
        (ProviderSettings(spfTemplate: "v=spf1 ip4:{ip} ~all"), "spfTemplate uses the unknown placeholder '{ip}'"),
        (ProviderSettings(spfTemplate: "mx ~all"), "spfTemplate must start with 'v=spf1'"),
        (ProviderSettings(dmarcTemplate: "v=DMARC1; p=none; rua=mailto:é@{domain}"),
         "dmarcTemplate must expand to printable ASCII"),
        (ProviderSettings(ttl: 0x8000_0000), "ttl 2147483648 is above 2147483647"),
    ])
    func validateRejects(settings: ProviderSettings, message: String) {
        #expect(throws: SettingsError(message: message)) { try settings.validate() }
    }
}
