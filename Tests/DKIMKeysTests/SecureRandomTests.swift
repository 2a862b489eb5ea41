import DKIMKeys
import Testing

@Suite struct SecureRandomTests {
    @Test func bytesHaveTheRequestedLengthAndDiffer() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(32).count == 32)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test func base62UsesExactlyTheAlphabet() {
        let alphabet = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        #expect(SecureRandom.base62(0).isEmpty)
        #expect(SecureRandom.base62(16).count == 16)
        let sample = SecureRandom.base62(10_000)
        #expect(sample.count == 10_000)
        #expect(Set(sample) == alphabet)
    }

    /// Without rejection, `byte % 62` would make 0-7 about 25% likelier; each symbol is expected ~161 times in 10k.
    @Test func noSymbolIsFarFromItsShare() {
        var counts: [Character: Int] = [:]
        for symbol in SecureRandom.base62(10_000) { counts[symbol, default: 0] += 1 }
        #expect(counts.values.allSatisfy { (80...260).contains($0) })
    }
}
