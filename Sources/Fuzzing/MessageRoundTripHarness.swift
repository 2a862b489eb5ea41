import DNSWire

/// Parse, encode, parse (as hickory-dns fuzzes its codec): what our parser accepts, our encoder must write in a
/// form our parser accepts again, with the same records (names compared without case: compression may point a
/// name at an earlier one that differs only in case), and encoding that again gives the same octets.
enum MessageRoundTripHarness {
    static func run(_ input: UnsafeRawBufferPointer) -> String? {
        guard let first = try? Message(parsing: input) else { return nil }
        let encoded = first.encoded()
        let second: Message
        do {
            second = try Message(parsing: encoded)
        } catch {
            return "the encoding of a parsed message does not parse: \(error)"
        }
        guard normalized(first) == normalized(second) else { return "records changed in a round trip" }
        guard second.encoded() == encoded else { return "a second encoding differs from the first" }
        return nil
    }

    /// The message with every owner name lowercased (RDATA is compared by its encoding, which `encoded()` covers).
    private static func normalized(_ message: Message) -> Message {
        var copy = message
        copy.questions = message.questions.map { Question(name: $0.name.lowercased(), type: $0.type, rclass: $0.rclass) }
        func lower(_ records: [Record]) -> [Record] {
            records.map { Record(name: $0.name.lowercased(), type: $0.type, rclass: $0.rclass, ttl: $0.ttl, rdata: $0.rdata) }
        }
        copy.answers = lower(message.answers)
        copy.authority = lower(message.authority)
        copy.additional = lower(message.additional)
        return copy
    }
}
