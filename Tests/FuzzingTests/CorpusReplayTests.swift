import Fuzzing
import Foundation
import Testing

/// Every committed input of every fuzz target, replayed through the harness the fuzzer runs: seeds, and the
/// inputs that once crashed a target (named `crash-<what it found>`), so each finding stays a regression test.
@Suite("Fuzz corpora")
struct CorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static func inputs(of target: FuzzTarget) -> [URL] {
        let folder = corpusRoot.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("every target has a seed corpus", arguments: FuzzTarget.allCases)
    func corpusExists(target: FuzzTarget) {
        #expect(Self.inputs(of: target).count >= 5, "Fuzz/corpus/\(target.rawValue) holds too few seeds")
    }

    @Test("every corpus input runs without a broken property", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        for file in Self.inputs(of: target) {
            let bytes = [UInt8](try Data(contentsOf: file))
            let failure = bytes.withUnsafeBytes { target.run($0) }
            #expect(failure == nil, "\(target.rawValue)/\(file.lastPathComponent): \(failure ?? "")")
        }
    }
}
