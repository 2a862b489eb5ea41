import DNSWire
import TSIG

/// TSIG verification of a request at a fixed time (the time the seed requests were signed), then the TSIG part
/// of the answer the responder would send: the signed answer of a valid request, the error record of a rejected
/// one. Every such answer must parse.
enum TSIGVerifyHarness {
    /// The time the seed corpus's requests were signed at.
    static let signingTime: UInt64 = 1_796_000_000
    private static let keyring = try! TSIGKeyring([FixedZones.key])

    static func run(_ input: UnsafeRawBufferPointer) -> String? {
        guard input.count >= Header.size else { return nil }
        var writer = MessageWriter(limit: 65535)
        writer.writeHeader(Header(id: UInt16(input[0]) << 8 | UInt16(input[1]), flags: Header.qrBit))
        switch keyring.verify(request: input, now: signingTime) {
        case .unsigned, .malformed:
            return nil
        case .valid(var session):
            session.sign(&writer, now: signingTime)
        case .rejected(var rejection):
            rejection.sign(&writer, now: signingTime)
        }
        guard let answer = try? Message(parsing: writer.bytes), answer.additional.count == 1 else {
            return "a signed answer does not parse"
        }
        return nil
    }
}
