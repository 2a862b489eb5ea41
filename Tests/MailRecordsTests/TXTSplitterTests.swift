import MailRecords
import Testing

@Suite("TXTSplitter: character-strings of at most 255 octets (RFC 1035 section 3.3)")
struct TXTSplitterTests {
    @Test("ASCII lengths", arguments: [
        (0, [0]), (1, [1]), (255, [255]), (256, [255, 1]), (410, [255, 155]), (510, [255, 255]), (511, [255, 255, 1]),
    ])
    func asciiLengths(length: Int, expected: [Int]) {
        let value = String(repeating: "x", count: length)
        let strings = TXTSplitter.split(value)
        #expect(strings.map(\.count) == expected)
        #expect(strings.joined().elementsEqual(value.utf8))
    }

    @Test func realDKIMValueSplitsIn255And155() {
        let value = "v=DKIM1; k=rsa; p=" + Fixture.rsaKey
        #expect(Fixture.rsaKey.utf8.count == 392)
        #expect(value.utf8.count == 410)
        let strings = TXTSplitter.split(value)
        #expect(strings.map(\.count) == [255, 155])
        #expect(String(decoding: strings.joined(), as: UTF8.self) == value)
    }

    /// 254 ASCII octets then "é" (2 octets): the character moves whole to the second string.
    @Test func neverSplitsInsideAMultiOctetCharacter() {
        let value = String(repeating: "a", count: 254) + "é" + "b"
        let strings = TXTSplitter.split(value)
        #expect(strings.map(\.count) == [254, 3])
        #expect(strings.allSatisfy { String(validating: $0, as: UTF8.self) != nil })
        #expect(strings.joined().elementsEqual(value.utf8))
    }

    /// CR LF is one character of two ASCII octets: the split of printable ASCII octet by octet must not take it.
    @Test func carriageReturnLineFeedStaysWhole() {
        let value = String(repeating: "a", count: 254) + "\r\n" + "b"
        #expect(value.count == 256)
        let strings = TXTSplitter.split(value)
        #expect(strings.map(\.count) == [254, 3])
        #expect(strings.joined().elementsEqual(value.utf8))
    }

    @Test func fourOctetCharactersStayWhole() {
        let value = String(repeating: "😀", count: 100)
        let strings = TXTSplitter.split(value)
        #expect(strings.map(\.count) == [252, 148])
        #expect(strings.joined().elementsEqual(value.utf8))
    }

    /// A single grapheme cluster longer than 255 octets is cut between its scalars.
    @Test func oversizedCharacterIsCutBetweenScalars() {
        let value = "e" + String(repeating: "\u{301}", count: 200)
        #expect(value.count == 1)
        let strings = TXTSplitter.split(value)
        #expect(strings.allSatisfy { $0.count <= 255 && String(validating: $0, as: UTF8.self) != nil })
        #expect(strings.joined().elementsEqual(value.utf8))
        #expect(strings.count == 2)
    }
}
