@testable import MailRecords
import Testing

/// `Template.expand` scans UTF-8 octets: every placeholder is replaced, and text around it, however it is
/// written, is kept octet for octet.
@Suite("Template.expand")
struct TemplateTests {
    let values = Template.Values(sendingIPv4: "192.0.2.25", domain: "shop.example", mailHost: "mx.example.net")

    @Test("placeholders are replaced; unknown ones, empty braces and an unclosed brace are kept as written")
    func placeholders() {
        #expect(Template.expand("v=spf1 a:{mailHost} ip4:{sendingIPv4} ~all", values: values)
            == "v=spf1 a:mx.example.net ip4:192.0.2.25 ~all")
        #expect(Template.expand("{domain}{domain}", values: values) == "shop.exampleshop.example")
        #expect(Template.expand("a {unknown} {} {domain", values: values) == "a {unknown} {} {domain")
        #expect(Template.expand("{{domain}}", values: values) == "{{domain}}", "the name between the braces is '{domain'")
        #expect(Template.expand("no placeholder", values: values) == "no placeholder")
    }

    @Test("characters of several octets (and a combining mark right after a brace) are kept")
    func multibyteText() {
        #expect(Template.expand("é {domain} 日本 {mailHost}\u{301}", values: values)
            == "é shop.example 日本 mx.example.net\u{301}")
        #expect(Template.expand("{domain}\u{301}", values: values) == "shop.example\u{301}")
    }
}
