import DNSWire
import Foundation
import Testing
@testable import ZoneFile

@Suite("Zone folder")
struct ZoneFolderTests {
    private static func zone(_ host: String) -> String {
        "$TTL 1h\n@ SOA ns1 hostmaster 1 2h 15m 1w 5m\n NS ns1\nns1 A 192.0.2.1\n\(host) A 192.0.2.2\n"
    }

    @Test func twoGoodZonesAndOneBad() throws {
        let folder = try Support.temporaryFolder()
        try Support.write(Self.zone("www"), to: folder + "/wistfare.net.zone")
        try Support.write(Self.zone("mail"), to: folder + "/example.com.zone")
        try Support.write("$TTL 1h\nwww A 192.0.2.1\n", to: folder + "/broken.org.zone")
        try Support.write("not a zone", to: folder + "/notes.txt")
        let (zones, errors) = ZoneFolder.load(directory: folder)
        #expect(zones.map(\.origin) == [Support.name("example.com."), Support.name("wistfare.net.")])
        #expect(zones.map(\.file) == [folder + "/example.com.zone", folder + "/wistfare.net.zone"])
        #expect(zones.first?.records.count == 4)
        #expect(errors.map(\.description) == [
            "\(folder)/broken.org.zone:0: no SOA record at the zone apex broken.org.",
            "\(folder)/broken.org.zone:0: no NS records at the zone apex broken.org.",
        ])
    }

    @Test("a file's zone is its name without .zone; a name that is no zone name is reported as written")
    func originFromFileName() throws {
        #expect(try ZoneFolder.origin(forFile: "/srv/zones/wistfare.net.zone") == Support.name("wistfare.net."))
        #expect(try ZoneFolder.origin(forFile: "Example.COM.zone").description == "Example.COM.")
        #expect(try ZoneFolder.origin(forFile: "/z/dotted..zone") == Support.name("dotted."))
        #expect(try ZoneFolder.origin(forFile: "/z/no-suffix") == Support.name("no-suffix."))
        #expect(try ZoneFolder.origin(forFile: "/z/\\065b.zone") == Support.name("Ab."), "escapes as in a zone file")
        for (path, stem) in [("/z/.zone", ""), ("/z/a..b.zone", "a..b"), ("/z/\(String(repeating: "x", count: 64)).zone",
                                                                            String(repeating: "x", count: 64))] {
            #expect(throws: ZoneFileError(file: path, line: 0, message: "'\(stem)' is not a valid zone name")) {
                _ = try ZoneFolder.origin(forFile: path)
            }
        }
    }

    @Test func missingFolder() {
        let (zones, errors) = ZoneFolder.load(directory: "/nonexistent/zones")
        #expect(zones.isEmpty)
        #expect(errors.map(\.description) == ["/nonexistent/zones:0: cannot list the zone folder"])
    }

    /// Many small zones like the ones WistDNS serves (with a 2048-bit DKIM key in two strings) load quickly.
    /// `ZONEFILE_BENCH_ZONES=10000 swift test -c release --filter manySmallZones` measures the full size.
    @Test func manySmallZones() throws {
        let count = ProcessInfo.processInfo.environment["ZONEFILE_BENCH_ZONES"].flatMap { Int($0) } ?? 300
        let folder = try Support.temporaryFolder()
        let key = DKIM.publicKey
        for index in 0 ..< count {
            let text = """
                $TTL 3600
                @ IN SOA ns1.wistfare.net. hostmaster.wistfare.net. ( \(index) 2h 15m 1w 5m )
                  IN NS ns1.wistfare.net.
                  IN NS ns2.wistfare.net.
                  IN MX 10 mail.wistfare.net.
                  IN TXT "v=spf1 mx -all"
                _dmarc IN TXT "v=DMARC1; p=quarantine"
                wist._domainkey IN TXT ( "v=DKIM1; k=rsa; p=\(key.prefix(200))"
                                         "\(key.dropFirst(200))" )
                www IN A 192.0.2.\(index % 250 + 1)

                """
            try Support.write(text, to: "\(folder)/d\(index).example.zone")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (zones, errors) = ZoneFolder.load(directory: folder)
        let elapsed = clock.now - start
        print("loaded \(zones.count) zones in \(elapsed)")
        #expect(errors.isEmpty)
        #expect(zones.count == count)
        #expect(zones.allSatisfy { $0.records.count == 8 })
        try FileManager.default.removeItem(atPath: folder)
    }
}
