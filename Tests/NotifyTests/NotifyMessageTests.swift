import DNSWire
import Testing
@testable import Notify

@Suite("The NOTIFY message (RFC 1996 sections 3.3-3.7) and matching its response")
struct NotifyMessageTests {
    @Test("opcode NOTIFY, AA set, QR clear, question ZONE SOA IN, the new SOA in the answer section")
    func format() throws {
        let soa = try soaRecord("Example.COM.", serial: 2026120101)
        let bytes = NotifyMessage.encode(id: 0xBEEF, origin: try Name("Example.COM."), soa: soa)
        let message = try Message(parsing: bytes)
        #expect(message.header.id == 0xBEEF)
        #expect(message.header.opcode == .notify)
        #expect(message.header.isAuthoritative)
        #expect(!message.header.isResponse)
        #expect(!message.header.recursionDesired)
        #expect(message.rcode == .noError)
        #expect(message.questions == [Question(name: try Name("Example.COM."), type: .soa, rclass: .in)])
        #expect(message.answers == [soa])
        #expect(message.authority.isEmpty && message.additional.isEmpty && message.edns == nil)
    }

    @Test("a response with the same ID and question is an answer, whatever its RCODE and the name's case",
          arguments: [Rcode.noError, .notImp, .refused, .notAuth, .servFail])
    func matches(rcode: Rcode) throws {
        let origin = try Name("example.com.")
        let notify = try Message(parsing: NotifyMessage.encode(id: 77, origin: origin,
                                                               soa: try soaRecord("example.com.", serial: 1)))
        var echoed = notify
        echoed.questions = [Question(name: try Name("EXAMPLE.com."), type: .soa)]
        #expect(NotifyMessage.answer(response(to: notify, rcode: rcode), id: 77, origin: origin) == rcode)
        #expect(NotifyMessage.answer(response(to: echoed, rcode: rcode), id: 77, origin: origin) == rcode)
    }

    @Test("another ID, a query (QR clear), another question or garbage is not an answer")
    func foreign() throws {
        let origin = try Name("example.com.")
        let notify = try Message(parsing: NotifyMessage.encode(id: 77, origin: origin,
                                                               soa: try soaRecord("example.com.", serial: 1)))
        #expect(NotifyMessage.answer(response(to: notify, id: 78), id: 77, origin: origin) == nil)
        #expect(NotifyMessage.answer(notify.encoded(), id: 77, origin: origin) == nil, "our own NOTIFY echoed back")
        var other = notify
        other.questions = [Question(name: try Name("example.org."), type: .soa)]
        #expect(NotifyMessage.answer(response(to: other), id: 77, origin: origin) == nil)
        other.questions = [Question(name: origin, type: .a)]
        #expect(NotifyMessage.answer(response(to: other), id: 77, origin: origin) == nil)
        other.questions = []
        #expect(NotifyMessage.answer(response(to: other), id: 77, origin: origin) == nil)
        #expect(NotifyMessage.answer(Array(response(to: notify).prefix(20)), id: 77, origin: origin) == nil)
        #expect(NotifyMessage.answer([0, 77], id: 77, origin: origin) == nil)
    }
}
