/// The parsers that face untrusted input, one harness each. libFuzzer drives them (`scripts/fuzz TARGET SECONDS`),
/// and the normal test suite replays every file of `Fuzz/corpus/<target>/` through the same code, so a crash
/// found once stays a regression test.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Bytes to the responder over a fixed zone set: UDP, or a TCP stream split into length-prefixed messages.
    case queryPath = "query-path"
    /// Message parse, encode, parse: the two parses must agree.
    case messageRoundTrip = "message-roundtrip"
    /// The master-file parser, and the zone built from what it accepts.
    case masterFile = "master-file"
    /// TSIG verification of signed requests, and the signed answer of a valid one.
    case tsigVerify = "tsig-verify"
    /// The domains API's JSON request bodies and the validation of the names in them.
    case apiBody = "api-body"

    /// Runs one input. A crash is a finding; a returned message is a broken property (the fuzzer's entry point
    /// traps on it, the test suite reports it).
    public func run(_ input: UnsafeRawBufferPointer) -> String? {
        switch self {
        case .queryPath: QueryPathHarness.run(input)
        case .messageRoundTrip: MessageRoundTripHarness.run(input)
        case .masterFile: MasterFileHarness.run(input)
        case .tsigVerify: TSIGVerifyHarness.run(input)
        case .apiBody: APIBodyHarness.run(input)
        }
    }
}
