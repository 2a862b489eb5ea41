import DNSWire
import MailRecords
import Synchronization
import Testing
@testable import Verification

/// A value the fake servers read and the test changes.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func get() -> Value { value.withLock { $0 } }
    func set(_ new: Value) { value.withLock { $0 = new } }
}

@Suite("RotationGate: the world serves the new key before it is used")
struct RotationGateTests {
    let client = StubResolver(timeout: .milliseconds(200), retries: 0)
    let key = PublishedRecord(kind: .dkim, type: "TXT", name: "wistmail-20261206._domainkey.rot.example",
                              value: "v=DKIM1; k=rsa; p=NEWKEY")

    /// A secondary serving `rot.example` at `serial`.
    func secondary(serial: Shared<UInt32>) throws -> FakeDNSServer {
        try FakeDNSServer { query, _ in
            guard let question = query.questions.first, question.type == .soa else { return [.answer(reply(to: query))] }
            let soa = SOA(mname: NameText.absolute("ns1.wist.test")!, rname: NameText.absolute("hostmaster.wist.test")!,
                          serial: serial.get(), refresh: 60, retry: 60, expire: 600, minimum: 60)
            return [.answer(reply(to: query, answers: [Record(name: question.name, type: .soa, ttl: 60, rdata: .soa(soa))]))]
        }
    }

    /// A resolver returning `value` for the key's name, or nothing.
    func resolver(value: Shared<String?>) throws -> FakeDNSServer {
        let name = key.name
        return try FakeDNSServer { query, _ in
            guard let text = value.get(), let record = try? txt(name, text) else {
                return [.answer(reply(to: query, rcode: .nxDomain))]
            }
            return [.answer(reply(to: query, answers: [record]))]
        }
    }

    @Test("waits while a secondary serves an older serial, or while a resolver lacks the key; passes when both catch up")
    func waitsForTheWorld() async throws {
        let serial = Shared<UInt32>(99)
        let value = Shared<String?>(nil)
        let secondary = try secondary(serial: serial)
        let resolver = try resolver(value: value)
        defer { secondary.stop(); resolver.stop() }
        let gate = RotationGate(secondaries: [secondary.address], resolvers: [resolver.address], client: client)

        let behind = await gate.check(zone: "rot.example", serial: 100, key: key)
        #expect(behind == "secondary \(secondary.address) serves serial 99 of rot.example, not 100 yet")
        serial.set(100)
        #expect(await gate.check(zone: "rot.example", serial: 100, key: key)
            == "resolver \(resolver.address) does not return the new key at \(key.name) yet")
        value.set("v=DKIM1; k=rsa; p=OLDKEY")
        #expect(await gate.check(zone: "rot.example", serial: 100, key: key)?.contains("does not return the new key") == true)
        value.set(key.value)
        #expect(await gate.check(zone: "rot.example", serial: 100, key: key) == nil)
        serial.set(101)
        #expect(await gate.check(zone: "rot.example", serial: 100, key: key) == nil, "a newer serial is fine")
    }

    @Test("a secondary that does not answer holds the rotation")
    func silentSecondary() async throws {
        let silent = try FakeDNSServer { _, _ in [] }
        defer { silent.stop() }
        let gate = RotationGate(secondaries: [silent.address], resolvers: [], client: client)
        #expect(await gate.check(zone: "rot.example", serial: 1, key: key) == "secondary \(silent.address) does not answer for rot.example")
    }

    @Test("serial comparison follows RFC 1982")
    func serialArithmetic() {
        #expect(RotationGate.isAtLeast(5, 5) && RotationGate.isAtLeast(6, 5) && !RotationGate.isAtLeast(4, 5))
        #expect(RotationGate.isAtLeast(1, UInt32.max), "1 follows 2^32-1")
        #expect(!RotationGate.isAtLeast(UInt32.max, 1))
    }
}
