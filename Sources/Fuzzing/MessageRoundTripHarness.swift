import DNSWire

/// Parse, encode, parse (as hickory-dns fuzzes its codec): what our parser accepts, our encoder must write in a
/// form our parser accepts again, with the same records (names, owners and those inside RDATA, compared without
/// case: compression matches names case-insensitively, as RFC 4343 allows, so a name may come back in the case
/// of an earlier one), and encoding that again gives the same octets.
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

    /// The message with every name lowercased: owners and the names inside RDATA.
    private static func normalized(_ message: Message) -> Message {
        var copy = message
        copy.questions = message.questions.map { Question(name: $0.name.lowercased(), type: $0.type, rclass: $0.rclass) }
        func lower(_ records: [Record]) -> [Record] {
            records.map {
                Record(name: $0.name.lowercased(), type: $0.type, rclass: $0.rclass, ttl: $0.ttl, rdata: lowerNames($0.rdata))
            }
        }
        copy.answers = lower(message.answers)
        copy.authority = lower(message.authority)
        copy.additional = lower(message.additional)
        return copy
    }

    private static func lowerNames(_ rdata: RData) -> RData {
        switch rdata {
        case .ns(let name): .ns(name.lowercased())
        case .cname(let name): .cname(name.lowercased())
        case .ptr(let name): .ptr(name.lowercased())
        case .mx(let preference, let exchange): .mx(preference: preference, exchange: exchange.lowercased())
        case .srv(let priority, let weight, let port, let target):
            .srv(priority: priority, weight: weight, port: port, target: target.lowercased())
        case .soa(var soa):
            {
                soa.mname = soa.mname.lowercased()
                soa.rname = soa.rname.lowercased()
                return .soa(soa)
            }()
        default: rdata
        }
    }
}
