import DNSWire
import Foundation
import Testing
@testable import ZoneFile

/// `$INCLUDE file [origin]`: relative to the include folder, never outside it, no loops.
@Suite("$INCLUDE")
struct IncludeTests {
    @Test func includeWithAndWithoutOrigin() throws {
        let folder = try Support.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/parts", withIntermediateDirectories: true)
        try Support.write("www A 192.0.2.80\n", to: folder + "/parts/hosts.inc")
        try Support.write("$TTL 60\nmail A 192.0.2.25\n@ MX 10 mail\n", to: folder + "/mail.inc")
        let text = Support.header + """
            $INCLUDE parts/hosts.inc
            $INCLUDE "./mail.inc" sub.example.com.
            after A 192.0.2.99
            """
        let zone = try #require(Support.parseValid(text, origin: "example.com.", includeRoot: folder))
        #expect(Support.rdata(zone, "www.example.com.", .a) == [.a([192, 0, 2, 80])])
        #expect(Support.rdata(zone, "mail.sub.example.com.", .a) == [.a([192, 0, 2, 25])])
        #expect(Support.rdata(zone, "sub.example.com.", .mx)
            == [.mx(preference: 10, exchange: Support.name("mail.sub.example.com."))])
        // The origin comes back after the included file; $TTL stays changed, as in BIND.
        let after = try #require(Support.records(zone, "after.example.com.", .a).first)
        #expect(after.ttl == 60)
    }

    @Test func errorsInIncludedFileNameThatFile() throws {
        let folder = try Support.temporaryFolder()
        try Support.write("ok A 192.0.2.1\nbad A 192.0.2.x\n", to: folder + "/broken.inc")
        let errors = Support.parseErrors(Support.header + "$INCLUDE broken.inc\nx A 1\n", includeRoot: folder)
        #expect(errors == ["\(folder)/broken.inc:2: bad IPv4 address '192.0.2.x'", "bad.zone:6: bad IPv4 address '1'"])
    }

    @Test func escapingTheFolderIsRefused() throws {
        let folder = try Support.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/zones", withIntermediateDirectories: true)
        try Support.write("secret A 192.0.2.1\n", to: folder + "/outside.inc")
        try FileManager.default.createSymbolicLink(atPath: folder + "/zones/link.inc", withDestinationPath: folder + "/outside.inc")
        let root = folder + "/zones"
        let text = Support.header + """
            $INCLUDE ../outside.inc
            $INCLUDE \(folder)/outside.inc
            $INCLUDE link.inc
            $INCLUDE /etc/passwd
            $INCLUDE missing.inc
            """
        let errors = Support.parseErrors(text, includeRoot: root)
        #expect(errors == [
            "bad.zone:5: $INCLUDE path '../outside.inc' is outside the include folder '\(root)'",
            "bad.zone:6: $INCLUDE path '\(folder)/outside.inc' is outside the include folder '\(root)'",
            "bad.zone:7: $INCLUDE path 'link.inc' is outside the include folder '\(root)'",
            "bad.zone:8: $INCLUDE path '/etc/passwd' is outside the include folder '\(root)'",
            "bad.zone:9: cannot read $INCLUDE file 'missing.inc'",
        ])
    }

    @Test func includeLoopIsRefused() throws {
        let folder = try Support.temporaryFolder()
        try Support.write("$INCLUDE b.inc\n", to: folder + "/a.inc")
        try Support.write("b A 192.0.2.2\n$INCLUDE a.inc\n", to: folder + "/b.inc")
        let errors = Support.parseErrors(Support.header + "$INCLUDE a.inc\n", includeRoot: folder)
        #expect(errors == ["\(folder)/b.inc:2: $INCLUDE loop: 'a.inc' is already being read"])
    }

    @Test func aZoneFileIncludingItself() throws {
        let folder = try Support.temporaryFolder()
        try Support.write(Support.header + "$INCLUDE self.zone\n", to: folder + "/self.zone")
        let result = ZoneFileParser.parse(file: folder + "/self.zone", origin: Support.name("example.com."),
                                          includeRoot: folder)
        #expect(throws: ZoneFileErrors.self) { try result.get() }
        if case .failure(let errors) = result {
            #expect(errors.description == "\(folder)/self.zone:5: $INCLUDE loop: 'self.zone' is already being read")
        }
    }
}
