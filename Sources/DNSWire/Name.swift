/// A domain name held in uncompressed wire form: length-prefixed labels ending with the root's zero octet.
///
/// Labels are bytes, not text. Equality and hashing are exact (case-sensitive); lookups use
/// `lowercased()` keys so that the name as written in a zone or a query is kept for output.
public struct Name: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The longest name in wire form (RFC 1035 section 3.1).
    public static let maxWireLength = 255
    /// The longest label (RFC 1035 section 2.3.4).
    public static let maxLabelLength = 63
    /// How many compression pointers a name may follow before it is rejected.
    public static let maxPointerHops = 32

    /// Exact equality of the wire bytes, eight octets at a time: every zone and node lookup of a query compares
    /// names (an octet-by-octet loop was a sixth of the server's own CPU per query).
    public static func == (lhs: Name, rhs: Name) -> Bool {
        guard lhs.wire.count == rhs.wire.count else { return false }
        return lhs.wire.withUnsafeBytes { left in rhs.wire.withUnsafeBytes { right in sameOctets(left, right) } }
    }

    /// True when `left` and `right` hold the same octets, compared eight at a time: how names are compared, also
    /// where a name's wire form lies in a larger buffer.
    public static func sameOctets(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        let count = left.count
        guard count == right.count else { return false }
        if left.baseAddress == right.baseAddress { return true }
        var offset = 0
        while offset + 8 <= count {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
            offset += 8
        }
        while offset < count {
            guard left[offset] == right[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Hashes the wire bytes in one call rather than octet by octet.
    public func hash(into hasher: inout Hasher) {
        wire.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The root name `.`.
    public static let root = Name(uncheckedWire: [0])

    /// The uncompressed wire form, ending with a zero octet.
    public let wire: [UInt8]

    /// Wraps wire bytes already known to be a valid uncompressed name.
    public init(uncheckedWire: [UInt8]) {
        self.wire = uncheckedWire
    }

    /// Validates and wraps uncompressed wire bytes.
    public init(wire: [UInt8]) throws(WireError) {
        var position = 0
        while true {
            guard position < wire.count else { throw WireError(.truncated, field: "name", offset: position) }
            let length = Int(wire[position])
            guard length <= Name.maxLabelLength else { throw WireError(.badLabel, field: "name", offset: position) }
            position += 1 + length
            if length == 0 { break }
        }
        guard position == wire.count else { throw WireError(.badText, field: "name", offset: position) }
        guard wire.count <= Name.maxWireLength else { throw WireError(.nameTooLong, field: "name", offset: 0) }
        self.wire = wire
    }

    /// Builds a name from labels (without the empty root label).
    public init(labels: [[UInt8]]) throws(WireError) {
        var wire: [UInt8] = []
        // Exactly sized: names live as long as the zones that hold them.
        wire.reserveCapacity(labels.reduce(1) { $0 + 1 + $1.count })
        for label in labels {
            guard !label.isEmpty, label.count <= Name.maxLabelLength else {
                throw WireError(.badLabel, field: "name", offset: wire.count)
            }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= Name.maxWireLength else { throw WireError(.nameTooLong, field: "name", offset: 0) }
        self.wire = wire
    }

    /// Parses presentation format (`mail.example.com.`, with `\.`, `\\` and `\DDD` escapes).
    /// A name without a trailing dot is relative and is appended to `origin`; `@` is the origin itself.
    public init(_ text: String, origin: Name? = nil) throws(WireError) {
        try self.init(presentation: Array(text.utf8), origin: origin)
    }

    /// `init(_:origin:)` from the text's octets (a zone file's fields): an octet above 0x7F stands for itself, as
    /// its `\DDD` escape would. The wire form is written in one exactly sized buffer (the length of each label in
    /// the place of the dot before it), without a label array or a second copy for the origin.
    public init(presentation text: [UInt8], origin: Name? = nil) throws(WireError) {
        self = try text.withUnsafeBufferPointer { bytes throws(WireError) in try Name.parse(bytes, origin: origin) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, origin: Name?) throws(WireError) -> Name {
        let dot = UInt8(ascii: "."), backslash = UInt8(ascii: "\\")
        if bytes.count == 1, bytes[0] == UInt8(ascii: "@") {
            guard let origin else { throw WireError(.badText, field: "name", offset: 0) }
            return origin
        }
        if bytes.count == 1, bytes[0] == dot { return .root }
        guard !bytes.isEmpty else { throw WireError(.badText, field: "name", offset: 0) }
        var wire: [UInt8] = []
        // Exactly sized but for escapes: names live as long as the zones that hold them.
        wire.reserveCapacity(bytes.count + 1 + (Self.endsWithDot(bytes) ? 0 : origin?.wire.count ?? 0))
        var lengthAt = 0
        wire.append(0)
        var index = 0
        var absolute = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == dot {
                guard wire.count - lengthAt > 1 else { throw WireError(.badLabel, field: "name", offset: index) }
                wire[lengthAt] = UInt8(wire.count - lengthAt - 1)
                index += 1
                if index == bytes.count {
                    absolute = true
                    break
                }
                lengthAt = wire.count
                wire.append(0)
                continue
            } else if byte == backslash {
                guard index + 1 < bytes.count else { throw WireError(.badText, field: "name", offset: index) }
                if let value = Self.decimalEscape(bytes, at: index + 1) {
                    wire.append(value)
                    index += 4
                } else {
                    let next = bytes[index + 1]
                    guard !(next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) else {
                        throw WireError(.badText, field: "name", offset: index)
                    }
                    wire.append(next)
                    index += 2
                }
            } else {
                wire.append(byte)
                index += 1
            }
            guard wire.count - lengthAt - 1 <= Name.maxLabelLength else {
                throw WireError(.badLabel, field: "name", offset: index)
            }
        }
        if !absolute { wire[lengthAt] = UInt8(wire.count - lengthAt - 1) }
        guard wire.count + 1 <= Name.maxWireLength else { throw WireError(.nameTooLong, field: "name", offset: 0) }
        if absolute {
            wire.append(0)
            return Name(uncheckedWire: wire)
        }
        guard let origin else { throw WireError(.badText, field: "name", offset: 0) }
        wire.append(contentsOf: origin.wire)
        guard wire.count <= Name.maxWireLength else { throw WireError(.nameTooLong, field: "name", offset: 0) }
        return Name(uncheckedWire: wire)
    }

    /// True when the text ends with a dot no backslash escapes (an absolute name).
    private static func endsWithDot(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.last == UInt8(ascii: ".") else { return false }
        var backslashes = 0
        var index = bytes.count - 2
        while index >= 0, bytes[index] == UInt8(ascii: "\\") {
            backslashes += 1
            index -= 1
        }
        return backslashes % 2 == 0
    }

    /// `decimalEscape` in a buffer.
    private static func decimalEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt8? {
        guard index + 3 <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index ..< index + 3] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }

    /// Reads a `\DDD` escape's value (0-255) starting at the first digit, or nil when it is not one.
    public static func decimalEscape(_ bytes: [UInt8], at index: Int) -> UInt8? {
        bytes.withUnsafeBufferPointer { decimalEscape($0, at: index) }
    }

    /// The name with `suffix` appended (this name must be relative, i.e. is treated as its labels only).
    public func appending(_ suffix: Name) throws(WireError) -> Name {
        var wire: [UInt8] = []
        wire.reserveCapacity(self.wire.count - 1 + suffix.wire.count)
        wire.append(contentsOf: self.wire.dropLast())
        wire.append(contentsOf: suffix.wire)
        guard wire.count <= Name.maxWireLength else { throw WireError(.nameTooLong, field: "name", offset: 0) }
        return Name(uncheckedWire: wire)
    }

    /// The name with ASCII letters folded to lower case: the key for lookups and comparisons. A name without
    /// upper-case letters (the usual query, every generated zone's name) is returned as it is, sharing its storage:
    /// no copy is made. Length octets (at most 63) are never letters, so every octet folds alike.
    public func lowercased() -> Name {
        guard wire.withUnsafeBytes(ASCIICase.containsUpper) else { return self }
        return Name(uncheckedWire: wire.map(ASCIICase.lower))
    }

    /// True for the root name.
    public var isRoot: Bool { wire.count == 1 }

    /// The number of labels, not counting the root.
    public var labelCount: Int {
        var count = 0
        var position = 0
        while wire[position] != 0 {
            count += 1
            position += 1 + Int(wire[position])
        }
        return count
    }

    /// The labels from left to right, not counting the root.
    public var labels: [[UInt8]] {
        var result: [[UInt8]] = []
        var position = 0
        while wire[position] != 0 {
            let length = Int(wire[position])
            result.append(Array(wire[(position + 1) ... (position + length)]))
            position += 1 + length
        }
        return result
    }

    /// The name with its leftmost label removed, or nil for the root.
    public var parent: Name? {
        guard !isRoot else { return nil }
        return Name(uncheckedWire: Array(wire[(1 + Int(wire[0]))...]))
    }

    /// True when the leftmost label is `*`.
    public var isWildcard: Bool { wire.count >= 3 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    /// True when a label of this name above `ancestor` (a name it lies at or below) is `*`: the name is a
    /// wildcard or lies below one. Reads the labels in place.
    public func hasWildcardLabel(below ancestor: Name) -> Bool {
        var position = 0
        for _ in 0 ..< max(0, labelCount - ancestor.labelCount) {
            if wire[position] == 1 && wire[position + 1] == UInt8(ascii: "*") { return true }
            position += 1 + Int(wire[position])
        }
        return false
    }

    /// The name with its leftmost `count` labels removed.
    public func dropping(labels count: Int) -> Name {
        if count <= 0 { return self }
        var position = 0
        for _ in 0 ..< count where wire[position] != 0 {
            position += 1 + Int(wire[position])
        }
        return Name(uncheckedWire: Array(wire[position...]))
    }

    /// True when this name equals `other` or lies below it, compared without regard to ASCII case.
    public func isSubdomain(of other: Name) -> Bool {
        // The label boundary where as many octets are left as `other` has, compared in place: no copy (every
        // record of a zone being built, every miss in a small zone).
        guard wire.count >= other.wire.count else { return false }
        var position = 0
        while wire.count - position > other.wire.count, wire[position] != 0 {
            position += 1 + Int(wire[position])
        }
        return wire.count - position == other.wire.count && Name.equalIgnoringCase(wire[position...], other.wire[...])
    }

    /// Compares two wire forms without regard to ASCII case.
    public static func equalIgnoringCase(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            if ASCIICase.lower(x) != ASCIICase.lower(y) { return false }
        }
        return true
    }

    /// Canonical DNS order (RFC 4034 section 6.1): by labels from the right, each compared case-insensitively
    /// as an octet string (a label that is a prefix of the other sorts first); a name that runs out of labels
    /// first sorts first. Allocates nothing: zones and catalogs sort thousands of names.
    public static func < (lhs: Name, rhs: Name) -> Bool {
        lhs.wire.withUnsafeBufferPointer { left in
            rhs.wire.withUnsafeBufferPointer { right in
                // A name has at most 127 labels; each offset is below 255.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { leftStarts in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { rightStarts in
                        let leftCount = labelStarts(left, into: leftStarts)
                        let rightCount = labelStarts(right, into: rightStarts)
                        for step in stride(from: 1, through: min(leftCount, rightCount), by: 1) {
                            let l = Int(leftStarts[leftCount - step]), r = Int(rightStarts[rightCount - step])
                            let lLength = Int(left[l]), rLength = Int(right[r])
                            for index in 0 ..< min(lLength, rLength) {
                                let x = ASCIICase.lower(left[l + 1 + index]), y = ASCIICase.lower(right[r + 1 + index])
                                if x != y { return x < y }
                            }
                            if lLength != rLength { return lLength < rLength }
                        }
                        return leftCount < rightCount
                    }
                }
            }
        }
    }

    /// Writes the offset of each label's length octet into `starts`, left to right; returns the label count.
    private static func labelStarts(_ wire: UnsafeBufferPointer<UInt8>, into starts: UnsafeMutableBufferPointer<UInt8>)
        -> Int {
        var count = 0
        var position = 0
        while wire[position] != 0 {
            starts[count] = UInt8(position)
            count += 1
            position += 1 + Int(wire[position])
        }
        return count
    }

    /// Presentation format, absolute, with special characters escaped.
    public var description: String {
        withTextOctets { String(decoding: $0, as: UTF8.self) }
    }

    /// The octets of `description`, written into a buffer on the stack and given to `body`: no string is made (a
    /// start looks up every stored zone by its name as text).
    public func withTextOctets<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if isRoot { return try Self.rootText.withUnsafeBytes(body) }
        // At most four characters an octet ("\ddd"), and the dots.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * wire.count) { text in
            var count = 0
            func append(_ byte: UInt8) {
                text[count] = byte
                count += 1
            }
            var position = 0
            while wire[position] != 0 {
                let length = Int(wire[position])
                for byte in wire[(position + 1) ... (position + length)] {
                    switch byte {
                    case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: ";"),
                         UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "@"), UInt8(ascii: "$"):
                        append(UInt8(ascii: "\\"))
                        append(byte)
                    case 0x21 ... 0x7E:
                        append(byte)
                    default:
                        Self.decimalEscape(byte, append)
                    }
                }
                append(UInt8(ascii: "."))
                position += 1 + length
            }
            return try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[..<count]))
        }
    }

    private static let rootText: [UInt8] = [UInt8(ascii: ".")]

    /// `\DDD` for a byte.
    static func decimalEscapeText(_ byte: UInt8) -> String {
        var text: [UInt8] = []
        decimalEscape(byte) { text.append($0) }
        return String(decoding: text, as: UTF8.self)
    }

    /// The four octets of `\DDD` for a byte, each given to `append`.
    private static func decimalEscape(_ byte: UInt8, _ append: (UInt8) -> Void) {
        append(UInt8(ascii: "\\"))
        append(UInt8(ascii: "0") + byte / 100)
        append(UInt8(ascii: "0") + byte / 10 % 10)
        append(UInt8(ascii: "0") + byte % 10)
    }
}
