import DNSWire
import Testing
@testable import ZoneFile

/// Mutated zones replayed in the normal test run: nothing may crash the parser.
@Suite("Robustness")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so failures can be replayed from the seed.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let seedZone = Array((Support.header + ##"""
        www 1h IN A 192.0.2.1
            AAAA ::ffff:192.0.2.1
        txt TXT ( "a \"b\" \\c \065" d )
        g TYPE1 \# 4 0A000001
        srv SRV 1 2 3 www
        @ CAA 0 issue "ca.example"
        $ORIGIN sub.example.com.
        mx MX 10 mail
        """##).utf8)

    private static let alphabet = Array(" \t\n;()\"\\$@.#:0123456789aAzZ*".utf8) + [0, 0x7F, 0xC3, 0xFF]

    @Test(arguments: [1, 2, 3, 4])
    func mutatedZonesDoNotCrash(seed: UInt64) {
        var random = SplitMix(state: seed)
        for _ in 0 ..< 500 {
            var bytes = Self.seedZone
            for _ in 0 ..< Int.random(in: 1 ... 8, using: &random) {
                let position = Int.random(in: 0 ..< bytes.count, using: &random)
                let byte = Self.alphabet.randomElement(using: &random) ?? 0
                switch Int.random(in: 0 ..< 3, using: &random) {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: bytes.remove(at: position)
                }
            }
            _ = ZoneFileParser.parse(text: String(decoding: bytes, as: UTF8.self), origin: Support.name("example.com."),
                                     file: "fuzz", includeRoot: nil)
        }
    }
}
