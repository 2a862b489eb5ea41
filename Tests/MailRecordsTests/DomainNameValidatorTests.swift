import MailRecords
import Testing

@Suite("DomainNameValidator")
struct DomainNameValidatorTests {
    static let settings = ProviderSettings()
    static let label63 = String(repeating: "a", count: 63)

    @Test("normalizes", arguments: [
        ("WistFare.COM.", "wistfare.com"),
        (" example.org ", "example.org"),
        ("\texample.org.\n", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("MÜNCHEN.DE", "xn--mnchen-3ya.de"),
        ("例え。テスト", "xn--r8jz45g.xn--zckzah"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("mail-1.example.co.uk", "mail-1.example.co.uk"),
        ("notwistfare.net", "notwistfare.net"),
        ("wistfare.network", "wistfare.network"),
    ])
    func normalizes(input: String, expected: String) throws {
        #expect(try DomainNameValidator.normalize(input, settings: Self.settings) == expected)
    }

    /// The longest name is the one whose DKIM owner, `wistmail._domainkey.<name>` (20 more characters), still
    /// fits in 253 characters (255 wire octets).
    @Test func acceptsTheLongestName() throws {
        let name = [Self.label63, Self.label63, Self.label63, String(repeating: "b", count: 41)].joined(separator: ".")
        #expect(name.utf8.count == 233)
        #expect(try DomainNameValidator.normalize(name, settings: Self.settings) == name)
    }

    /// A name of 234 to 253 characters is a valid host name, but its DKIM owner would not be a DNS name
    /// (this used to pass validation and fail with a 500 when the zone was built).
    @Test("refuses a name whose generated names do not fit", arguments: [234, 240, 253])
    func refusesANameWhoseGeneratedNamesDoNotFit(length: Int) throws {
        let name = [Self.label63, Self.label63, Self.label63, String(repeating: "b", count: length - 192)]
            .joined(separator: ".")
        #expect(name.utf8.count == length)
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize(name, settings: Self.settings)
        }
        #expect(error.code == "invalid_domain_name")
        #expect(error.message.contains("would be \(length + 20) characters"))
        #expect(error.message.contains("at most 233 characters"))
        // A longer selector takes more room.
        var settings = Self.settings
        settings.dkimSelector = "s2026-12-rotation"
        let shorter = String(name.prefix(226))
        #expect(throws: DomainNameError.self) { try DomainNameValidator.normalize(shorter, settings: settings) }
    }

    @Test("rejects invalid names with a precise message", arguments: [
        ("wistfare", "the name needs at least two labels"),
        ("", "the name is empty"),
        ("  ", "the name is empty"),
        (".", "the name is empty"),
        (String(repeating: "a", count: 64) + ".com",
         "label '\(String(repeating: "a", count: 64))' is 64 octets long; the limit is 63"),
        ([label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: "."),
         "the name is 254 characters long; the limit is 253"),
        ("a_b.com", "label 'a_b' contains '_'"),
        ("a b.com", "label 'a b' contains ' '"),
        ("-ab.com", "label '-ab' starts with a hyphen"),
        ("ab-.com", "label 'ab-' ends with a hyphen"),
        ("a..b", "the name 'a..b' has an empty label"),
        (".example.com", "the name '.example.com' has an empty label"),
        ("example.com..", "the name 'example.com.' has an empty label"),
        ("1.2.3.4", "the last label '4' is all digits"),
        (String(repeating: "ü", count: 256) + ".de", "a label is longer than 255 characters"),
    ])
    func rejectsInvalid(input: String, message: String) {
        #expect(throws: DomainNameError(code: "invalid_domain_name", message: message)) {
            try DomainNameValidator.normalize(input, settings: Self.settings)
        }
    }

    /// 60 scalars pass the pre-check, but their A-label is longer than 63 octets.
    @Test func rejectsAnALabelThatEncodesTooLong() throws {
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize(String(repeating: "ü", count: 60) + ".de", settings: Self.settings)
        }
        #expect(error.code == "invalid_domain_name")
        #expect(error.message.contains("punycode encoded data will be too large"))
    }

    @Test("IDNA2008 with UTS #46 nontransitional mapping: what maps and encodes", arguments: [
        ("faß.de", "xn--fa-hia.de"),                       // nontransitional: ß stays (transitional would give fass.de)
        ("Ⅻ.example", "xii.example"),                       // compatibility mapping
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),               // fullwidth letters and full stop
        ("مثال.example", "xn--mgbh0fb.example"),            // right-to-left
        ("क्\u{200D}.example", "xn--11b6iy14e.example"),    // ZWJ after a virama: allowed by CONTEXTJ
        ("XN--BCHER-KVA.example", "xn--bcher-kva.example"), // an A-label in capitals
        ("l·l.example", "xn--ll-0ea.example"),              // U+00B7 between two l: allowed by CONTEXTO
    ])
    func idnaMaps(input: String, expected: String) throws {
        #expect(try DomainNameValidator.normalize(input, settings: Self.settings) == expected)
    }

    /// Each of these could pass for another name or hide part of itself; IDNA2008 refuses them all (issue 10).
    @Test("IDNA2008 refuses look-alikes and invisible characters, in Unicode and as A-labels", arguments: [
        "a\u{202E}b.example",      // right-to-left override
        "pay\u{200D}pal.example",  // zero-width joiner outside its context
        "ab\u{200C}.example",      // zero-width non-joiner outside its context
        "😀.example",               // emoji (disallowed)
        "a\u{0085}b.example",      // NEXT LINE, a control
        "a\u{E000}b.example",      // private use
        "a\u{0378}b.example",      // unassigned
        "a\u{E0001}b.example",     // language tag
        "a·b.example",              // U+00B7 outside "l·l" (CONTEXTO)
        "a\u{30FB}b.example",      // KATAKANA MIDDLE DOT without kana or Han (CONTEXTO)
        "xn--zz.example",           // invalid Punycode
        "xn--a.example",            // decodes to U+0080
        "xn--ls8h.example",         // the A-label of an emoji
        "xn--ab-g4t.example",       // the A-label of a right-to-left override
        "xn--ab-m1t.example",       // the A-label of a zero-width joiner
        "xn--bcher-kva-.example",   // trailing hyphen
        "ab--cd.example",           // hyphens in the third and fourth position of a non-IDNA label
        "א.1a.example",             // a right-to-left label beside a label that starts with a digit (RFC 5893)
    ])
    func idnaRefuses(input: String) throws {
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize(input, settings: Self.settings)
        }
        #expect(error.code == "invalid_domain_name")
        for scalar in error.message.unicodeScalars {
            #expect(scalar.properties.generalCategory != .format && scalar.properties.generalCategory != .control,
                    "the message carries no invisible character: \(error.message)")
        }
    }

    @Test("rejects provider zones and names below them", arguments: [
        "wistfare.net", "x.wistfare.net", "X.WistFare.NET.", "a.b.wistfare.net",
    ])
    func rejectsProviderZones(input: String) throws {
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize(input, settings: Self.settings)
        }
        #expect(error.code == "reserved_domain")
        #expect(error.message.contains("'wistfare.net'"))
    }

    /// A customer holding a public suffix would hold every name below it: every other customer's (issue 10).
    @Test("public suffixes, ICANN and private, are refused; names below them are fine", arguments: [
        ("co.uk", true), ("CO.UK.", true), ("github.io", true), ("s3.amazonaws.com", true), ("blogspot.com", true),
        ("xn--55qx5d.cn", true),  // 公司.cn
        ("example.co.uk", false), ("foo.github.io", false), ("custa.example", false), ("amazonaws.com", false),
        ("d00001.example.test", false),
    ])
    func publicSuffixes(input: String, refused: Bool) throws {
        if refused {
            let error = try #require(throws: DomainNameError.self) {
                try DomainNameValidator.normalize(input, settings: Self.settings)
            }
            #expect(error.code == "public_suffix")
            #expect(error.message.contains("is a public suffix"))
        } else {
            #expect(throws: Never.self) { try DomainNameValidator.normalize(input, settings: Self.settings) }
        }
    }

    @Test("a name above a provider zone is reserved too")
    func aboveAProviderZone() throws {
        let settings = ProviderSettings(providerZones: ["mail.provider.example"])
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize("provider.example", settings: settings)
        }
        #expect(error == DomainNameError(code: "reserved_domain",
                                         message: "'provider.example' lies above the provider zone 'mail.provider.example'"))
    }

    @Test("an invisible character in an ASCII label is escaped in the message")
    func controlCharactersAreEscaped() throws {
        let error = try #require(throws: DomainNameError.self) {
            try DomainNameValidator.normalize("a\u{1B}[31mb.example", settings: Self.settings)
        }
        #expect(!error.message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(error.message)")
        #expect(error.message.contains("\\u{1B}"))
    }

    @Test func providerZonesComeFromTheSettings() throws {
        let settings = ProviderSettings(providerZones: ["wistfare.net", "Example.ORG."])
        #expect(throws: DomainNameError.self) { try DomainNameValidator.normalize("mail.example.org", settings: settings) }
        #expect(try DomainNameValidator.normalize("x.wistfare.com", settings: settings) == "x.wistfare.com")
    }
}
