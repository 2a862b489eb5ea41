import DNSWire
import Testing

@Suite("RFC 1035 5.1 presentation names")
struct NamePresentationTests {
    @Test func absoluteName() throws {
        let parsed = try Name("mail.example.com.")
        #expect(parsed.wire == wire("mail", "example", "com"))
        #expect(parsed.labelCount == 3)
        #expect(parsed.description == "mail.example.com.")
    }

    @Test("escapes: \\. \\\\ and \\DDD")
    func escapes() throws {
        #expect(try Name(#"a\.b.example."#).labels == [Array("a.b".utf8), Array("example".utf8)])
        #expect(try Name(#"back\\slash.example."#).labels.first == Array(#"back\slash"#.utf8))
        #expect(try Name(#"\065bc.example."#).labels.first == Array("Abc".utf8))
        #expect(try Name(#"\000\255.example."#).labels.first == [0, 255])
        #expect(try Name(#"\"q\".example."#).labels.first == Array(#""q""#.utf8))
        // An escaped final dot does not make the name absolute.
        #expect(try Name(#"end\."#, origin: name("example.")).wire == wire("end.", "example"))
    }

    @Test("bad escapes are rejected", arguments: [#"a\"#, #"\25"#, #"\256.example."#, #"\1a.example."#, #"\12.x."#])
    func badEscapes(text: String) {
        expectWireError(.badText, Comment(rawValue: text)) { _ = try Name(text) }
    }

    @Test("relative names take the origin; @ is the origin")
    func relativeAndOrigin() throws {
        let origin = name("example.com.")
        #expect(try Name("www", origin: origin) == name("www.example.com."))
        #expect(try Name("a.b", origin: origin) == name("a.b.example.com."))
        #expect(try Name("@", origin: origin) == origin)
        #expect(try Name("www.example.org.", origin: origin) == name("www.example.org."))
        #expect(try Name("www", origin: .root) == name("www."))
        expectWireError(.badText, "relative without origin") { _ = try Name("www") }
        expectWireError(.badText, "@ without origin") { _ = try Name("@") }
    }

    @Test("the root")
    func root() throws {
        let root = try Name(".")
        #expect(root == .root)
        #expect(root.isRoot)
        #expect(root.wire == [0])
        #expect(root.labelCount == 0)
        #expect(root.parent == nil)
        #expect(root.description == ".")
        #expect(try Name(wire: [0]) == .root)
        #expect(try Name(labels: []) == .root)
    }

    @Test("empty labels are rejected", arguments: ["", "..", "a..b.", ".a.", "a.b.."])
    func emptyLabels(text: String) {
        #expect(throws: WireError.self) { _ = try Name(text, origin: .root) }
    }
}

@Suite("RFC 1035 2.3.4 size limits")
struct NameLimitTests {
    static let label63 = String(repeating: "a", count: 63)
    static let label64 = String(repeating: "a", count: 64)

    @Test("63-octet label accepted, 64 rejected (text, labels, wire)")
    func labelLength() throws {
        #expect(try Name("\(Self.label63).example.").labels.first?.count == 63)
        expectWireError(.badLabel) { _ = try Name("\(Self.label64).example.") }
        #expect(try Name(labels: [Array(Self.label63.utf8)]).wire.count == 65)
        expectWireError(.badLabel) { _ = try Name(labels: [Array(Self.label64.utf8)]) }
        expectWireError(.badLabel) { _ = try Name(labels: [[]]) }
        #expect(try Name(wire: [63] + Array(Self.label63.utf8) + [0]).labelCount == 1)
        expectWireError(.badLabel) { _ = try Name(wire: [64] + Array(Self.label64.utf8) + [0]) }
        // 64 octets written with escapes is still 64 octets.
        expectWireError(.badLabel) { _ = try Name(String(repeating: #"\097"#, count: 64) + ".") }
    }

    /// Three 63-octet labels and one of `last` octets: 3 * 64 + 1 + last + 1 octets in wire form.
    static func longName(last: Int) -> String {
        [label63, label63, label63, String(repeating: "b", count: last)].joined(separator: ".") + "."
    }

    @Test("255-octet name accepted, 256 rejected")
    func nameLength() throws {
        let longest = try Name(Self.longName(last: 61))
        #expect(longest.wire.count == 255)
        expectWireError(.nameTooLong) { _ = try Name(Self.longName(last: 62)) }
        let labels = try Name(Self.longName(last: 61)).labels
        #expect(try Name(labels: labels).wire.count == 255)
        expectWireError(.nameTooLong) { _ = try Name(labels: Array(labels.dropLast()) + [Array(repeating: 98, count: 62)]) }
        #expect(try Name(wire: longest.wire) == longest)
        expectWireError(.nameTooLong) {
            _ = try Name(wire: Array(longest.wire.dropLast(1 + 1 + 61)) + [62] + Array(repeating: 98, count: 62) + [0])
        }
        // Relative text plus origin goes through the same limit.
        let origin = try Name(Self.longName(last: 60))
        #expect(origin.wire.count == 254)
        expectWireError(.nameTooLong) { _ = try Name("x", origin: origin) }
        expectWireError(.nameTooLong) { _ = try name("x.").appending(origin) }
    }

    @Test("malformed uncompressed wire is rejected")
    func badWire() {
        expectWireError(.truncated) { _ = try Name(wire: []) }
        expectWireError(.truncated) { _ = try Name(wire: [3, 97, 98, 99]) }
        expectWireError(.truncated) { _ = try Name(wire: [5, 97, 0]) }
        expectWireError(.badText) { _ = try Name(wire: [1, 97, 0, 0]) }
        expectWireError(.badLabel) { _ = try Name(wire: [0xC0, 0x0C]) }
        expectWireError(.badLabel) { _ = try Name(wire: [0x41, 0]) }
    }
}

@Suite("RFC 4343 case insensitivity and name structure")
struct NameStructureTests {
    @Test func lowercased() throws {
        let mixed = name("WwW.ExAmPlE.CoM.")
        #expect(mixed.lowercased() == name("www.example.com."))
        #expect(mixed.lowercased().description == "www.example.com.")
        // Only A-Z fold: '@' (0x40), '[' (0x5B), digits and high octets stay.
        let edges = try Name(wire: [5, 0x40, 0x5B, 0x41, 0x5A, 0xC1, 0])
        #expect(edges.lowercased().wire == [5, 0x40, 0x5B, 0x61, 0x7A, 0xC1, 0])
        // Equality is exact; lookups use lowercased keys.
        #expect(mixed != name("www.example.com."))
    }

    /// Equality compares eight octets at a time, then the rest: a difference in any octet, in either part, of
    /// names of every length up to the longest is found, and equal bytes in separate storage are equal.
    @Test("names are equal exactly when their wire bytes are, whatever the length and wherever they differ")
    func equalityByWords() throws {
        for labelLength in [1, 2, 5, 6, 7, 8, 13, 30, 63] {
            var labels: [[UInt8]] = []
            while labels.reduce(1, { $0 + 1 + $1.count }) + 1 + labelLength <= Name.maxWireLength {
                labels.append(Array(repeating: UInt8(ascii: "a") + UInt8(labels.count % 26), count: labelLength))
                let name = try Name(labels: labels)
                let copy = Name(uncheckedWire: Array(name.wire))
                #expect(name == copy && name.hashValue == copy.hashValue)
                for index in name.wire.indices.dropLast() where name.wire[index] >= UInt8(ascii: "a") {
                    var changed = name.wire
                    changed[index] ^= 0x01
                    #expect(name != Name(uncheckedWire: changed), "octet \(index) of \(name.wire.count)")
                }
            }
        }
        #expect(name("a.example.") != name("a.example.com."))
    }

    /// Every query and every zone name is lowercased for lookups; most already are, and a copy each time costs
    /// an allocation per query and a few hundred bytes per served zone.
    @Test("a name that is already lower case is its own lowercased form, sharing its storage")
    func lowercasedWithoutCopy() {
        func storage(_ name: Name) -> UnsafeRawPointer? {
            name.wire.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        let lower = name("mail-1.example.com.")
        #expect(storage(lower.lowercased()) == storage(lower))
        let mixed = name("Mail-1.example.com.")
        #expect(storage(mixed.lowercased()) != storage(mixed))
        #expect(mixed.lowercased() == lower)
    }

    @Test("isSubdomain ignores case and respects label boundaries", arguments: [
        ("www.example.com.", "example.com.", true),
        ("WWW.EXAMPLE.COM.", "example.com.", true),
        ("example.com.", "EXAMPLE.com.", true),
        ("a.b.example.com.", "b.ExAmPlE.com.", true),
        ("example.com.", ".", true),
        (".", ".", true),
        ("badexample.com.", "example.com.", false),
        ("com.", "example.com.", false),
        ("example.org.", "example.com.", false),
        ("example.com.", "www.example.com.", false),
        (".", "com.", false),
    ])
    func isSubdomain(child: String, parent: String, expected: Bool) {
        #expect(name(child).isSubdomain(of: name(parent)) == expected)
    }

    @Test func parentChain() {
        var current: Name? = name("www.Example.com.")
        var seen: [String] = []
        while let name = current {
            seen.append(name.description)
            current = name.parent
        }
        #expect(seen == ["www.Example.com.", "Example.com.", "com.", "."])
    }

    @Test(arguments: [(".", 0), ("com.", 1), ("example.com.", 2), (#"a\.b.example.com."#, 3), ("*.x.y.z.", 4)])
    func labelCount(text: String, count: Int) {
        #expect(name(text).labelCount == count)
        #expect(name(text).labels.count == count)
    }

    @Test func wildcardAndDropping() {
        #expect(name("*.example.com.").isWildcard)
        #expect(!name("a.*.example.com.").isWildcard)
        #expect(!name(#"\*x.example.com."#).isWildcard)
        #expect(name("a.b.example.com.").dropping(labels: 2) == name("example.com."))
        #expect(name("a.b.").dropping(labels: 5) == .root)
    }

    @Test("description escapes special octets exactly")
    func descriptionEscapes() throws {
        let special = try Name(labels: [Array(#"a.b\c"d;e(f)g@h$i"#.utf8), [0x20, 0x00, 0x7F, 0xFF, 0x0A], Array("ok".utf8)])
        #expect(special.description == #"a\.b\\c\"d\;e\(f\)g\@h\$i.\032\000\127\255\010.ok."#)
        #expect(try Name(special.description) == special)
    }

    @Test("description round-trips any label octets (seeded random names)")
    func descriptionRoundTrip() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        for _ in 0 ..< 300 {
            let labelCount = Int.random(in: 1 ... 4, using: &random)
            let labels: [[UInt8]] = (0 ..< labelCount).map { _ in
                (0 ..< Int.random(in: 1 ... 20, using: &random)).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            }
            let original = try Name(labels: labels)
            let reparsed = try Name(original.description)
            #expect(reparsed == original, "\(original.description)")
        }
    }
}

@Suite("RFC 4034 6.1 canonical name order")
struct CanonicalOrderTests {
    /// The example list from RFC 4034 section 6.1, in canonical order.
    static let rfcOrder = [
        "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
        #"\001.z.example."#, "*.z.example.", #"\200.z.example."#,
    ]

    @Test("sorting a shuffled RFC example list restores it")
    func rfcExample() {
        let expected = Self.rfcOrder.map(name)
        var random = SplitMix64(seed: 4034)
        for _ in 0 ..< 20 {
            #expect(expected.shuffled(using: &random).sorted() == expected)
        }
        for (earlier, later) in zip(expected, expected.dropFirst()) {
            #expect(earlier < later, "\(earlier) < \(later)")
            #expect(!(later < earlier), "\(later) !< \(earlier)")
        }
    }

    @Test("ordering ignores case and puts the root first")
    func caseAndRoot() {
        #expect(!(name("EXAMPLE.") < name("example.")) && !(name("example.") < name("EXAMPLE.")))
        #expect(Name.root < name("com."))
        #expect(name("com.") < name("a.com."))
        #expect(name("b.com.") < name("a.net."))
    }

    @Test("agrees with the definition (labels from the right, lowercased, as octet strings) on random names")
    func randomNames() throws {
        func reference(_ lhs: Name, _ rhs: Name) -> Bool {
            let left = lhs.lowercased().labels, right = rhs.lowercased().labels
            for (l, r) in zip(left.reversed(), right.reversed()) where l != r { return l.lexicographicallyPrecedes(r) }
            return left.count < right.count
        }
        var random = SplitMix64(seed: 6_1)
        // Few distinct label values, so that names often share suffixes and labels often share prefixes.
        let pieces: [[UInt8]] = [[0x61], [0x41], [0x61, 0x62], [0x41, 0x42, 0x00], [0xFF], [0x2A], [0x7A, 0x5A]]
        let names = try (0 ..< 200).map { _ in
            try Name(labels: (0 ..< Int.random(in: 0 ... 4, using: &random)).map { _ in pieces.randomElement(using: &random)! })
        }
        for lhs in names {
            for rhs in names.prefix(50) {
                #expect((lhs < rhs) == reference(lhs, rhs), "\(lhs) < \(rhs)")
            }
        }
    }
}

@Suite("Presentation names parsed in one pass")
struct PresentationParserTests {
    /// The parser as it was before it wrote the wire form in one pass: labels gathered one array each, then joined,
    /// then the origin appended. The model the one-pass parser must match, name for name and error for error.
    static func labelsModel(_ bytes: [UInt8], origin: Name?) -> Result<Name, WireError> {
        do throws(WireError) {
            if bytes == [UInt8(ascii: "@")] {
                guard let origin else { throw WireError(.badText, field: "name", offset: 0) }
                return .success(origin)
            }
            if bytes == [UInt8(ascii: ".")] { return .success(.root) }
            guard !bytes.isEmpty else { throw WireError(.badText, field: "name", offset: 0) }
            var labels: [[UInt8]] = [], label: [UInt8] = [], absolute = false, index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    guard !label.isEmpty else { throw WireError(.badLabel, field: "name", offset: index) }
                    labels.append(label)
                    label = []
                    if index == bytes.count - 1 { absolute = true }
                    index += 1
                } else if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { throw WireError(.badText, field: "name", offset: index) }
                    if let value = Name.decimalEscape(bytes, at: index + 1) {
                        label.append(value)
                        index += 4
                    } else {
                        let next = bytes[index + 1]
                        guard !(next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) else {
                            throw WireError(.badText, field: "name", offset: index)
                        }
                        label.append(next)
                        index += 2
                    }
                } else {
                    label.append(byte)
                    index += 1
                }
                guard label.count <= Name.maxLabelLength else { throw WireError(.badLabel, field: "name", offset: index) }
            }
            if !label.isEmpty { labels.append(label) }
            var name = try Name(labels: labels)
            if !absolute {
                guard let origin else { throw WireError(.badText, field: "name", offset: 0) }
                name = try name.appending(origin)
            }
            return .success(name)
        } catch {
            return .failure(error)
        }
    }

    @Test("random texts (escapes, dots, long labels and names, octets above 0x7F) parse as the label model does")
    func matchesTheLabelModel() throws {
        var random = SplitMix64(seed: 53)
        let alphabet = Array("ab.B\\0129-@".utf8) + [0xC3, 0x20]
        let origins: [Name?] = [nil, .root, try Name("example.com."), try Name(String(repeating: "o", count: 63) + "." +
                                                                                 String(repeating: "p", count: 63) + ".")]
        var names = 0, failures = 0
        for _ in 0 ..< 20_000 {
            var text: [UInt8] = []
            let length = Int(random.next() % 6 == 0 ? random.next() % 300 : random.next() % 24)
            for _ in 0 ..< length {
                // Runs of one octet now and then, for labels of 63 and more.
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                text += Array(repeating: byte, count: random.next() % 8 == 0 ? Int(random.next() % 70) : 1)
            }
            let origin = origins[Int(random.next() % UInt64(origins.count))]
            let expected = Self.labelsModel(text, origin: origin)
            let parsed: Result<Name, WireError> = Result { () throws(WireError) in try Name(presentation: text, origin: origin) }
            switch (parsed, expected) {
            case (.success(let name), .success(let model)):
                #expect(name.wire == model.wire, "\(text)")
                // malloc rounds a block up by at most 24 octets, and hands out a free block up to 31 octets larger
                // than asked when what is left would be too small to keep (which blocks are free depends on what
                // the tests running beside this one freed).
                #expect(name.wire.capacity - name.wire.count < 24 + 32 || text.contains(UInt8(ascii: "\\")),
                        "sized to the name (but for escapes and malloc's rounding): \(text)")
                names += 1
            case (.failure(let error), .failure(let model)):
                #expect(error.kind == model.kind && error.offset == model.offset, "\(text)")
                failures += 1
            default:
                Issue.record("\(text): \(parsed) but the model gives \(expected)")
            }
        }
        #expect(names > 3_000 && failures > 3_000)
    }
}

@Suite("Wildcard labels")
struct WildcardLabelTests {
    @Test("a name is a wildcard or lies below one only by labels above the ancestor asked about")
    func labelsAboveTheAncestor() throws {
        let apex = try Name("example.net.")
        #expect(try Name("*.example.net.").hasWildcardLabel(below: apex))
        #expect(try Name("sub.*.example.net.").hasWildcardLabel(below: apex))
        #expect(try Name("a.b.*.c.example.net.").hasWildcardLabel(below: apex))
        #expect(!(try Name("a.b.example.net.").hasWildcardLabel(below: apex)))
        #expect(!apex.hasWildcardLabel(below: apex))
        #expect(!(try Name("x.example.net.").hasWildcardLabel(below: try Name("*.net."))), "the ancestor's own labels")
        #expect(!(try Name("\\*x.example.net.").hasWildcardLabel(below: apex)), "a label starting with * is not *")
    }
}

