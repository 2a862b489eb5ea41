import DNSWire
import Foundation
import TSIG
import Testing
@testable import Fuzzing

/// The seeds reach the paths they are named after: a corpus of inputs that every parser rejects would let the
/// fuzzer spend its time on the first bytes.
@Suite("Fuzz seeds")
struct SeedMeaningTests {
    private func seed(_ target: FuzzTarget, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: CorpusReplayTests.corpusRoot.appendingPathComponent("\(target.rawValue)/seed-\(name)")))
    }

    @Test("the signed seeds verify with the harness key at the harness time, the bad ones are rejected")
    func tsigSeeds() throws {
        let keyring = try TSIGKeyring([FixedZones.key])
        for (name, valid) in [("valid", true), ("valid-axfr", true), ("edns-then-tsig", true), ("bad-mac", false),
                              ("bad-time", false), ("unknown-key", false)] {
            let bytes = try seed(.tsigVerify, name)
            let verdict = bytes.withUnsafeBytes { keyring.verify(request: $0, now: TSIGVerifyHarness.signingTime) }
            switch verdict {
            case .valid: #expect(valid, "\(name) verified")
            case .rejected: #expect(!valid, "\(name) was rejected")
            default: Issue.record("\(name): \(verdict)")
            }
        }
    }

    @Test("the query-path seeds are queries the responder answers, and the round-trip seeds parse")
    func querySeeds() throws {
        for file in CorpusReplayTests.inputs(of: .queryPath) where file.lastPathComponent.hasPrefix("seed-") {
            let bytes = [UInt8](try Data(contentsOf: file))
            let query = bytes[(1 + (bytes[0] & 1 == 1 ? 2 : 0))...]
            #expect((try? Message(parsing: Array(query))) != nil || file.lastPathComponent.contains("two-queries"),
                    "\(file.lastPathComponent) is not a readable message")
        }
        for file in CorpusReplayTests.inputs(of: .messageRoundTrip) where file.lastPathComponent.hasPrefix("seed-") {
            #expect((try? Message(parsing: [UInt8](try Data(contentsOf: file)))) != nil, "\(file.lastPathComponent)")
        }
    }
}
