/// One field of a master-file entry: a word or a quoted string, with its escapes still in place.
struct Token {
    /// The raw bytes, without the surrounding quotes of a quoted string; `\` escapes are not yet resolved.
    let bytes: [UInt8]
    /// True when the field was written in double quotes.
    let quoted: Bool
    /// The 1-based line the field starts on.
    let line: Int
}

/// One logical entry of a master file: a directive or a resource record, possibly spread over several
/// lines with parentheses (RFC 1035 section 5.1).
struct Entry {
    /// The fields, comments and parentheses removed.
    var tokens: [Token] = []
    /// True when the entry's first line starts with a blank, so the owner is the previous one.
    var blankOwner = false
    /// The line of the first field.
    var line: Int { tokens.first?.line ?? 0 }
}

/// A syntax error found while splitting a file into entries.
struct TokenizerError: Error {
    let line: Int
    let message: String
}

/// Splits master-file text into entries. After an error the rest of that line is skipped and the next call
/// starts afresh, so that every broken entry of a file can be reported.
struct Tokenizer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next entry, a syntax error, or nil at the end of the text. After an error inside parentheses the
    /// rest of the parenthesized entry is skipped too, so its remaining lines do not show up as entries.
    mutating func next() -> Result<Entry, TokenizerError>? {
        var entry = Entry()
        var depth = 0
        var openLine = 0
        var failure: TokenizerError? = nil
        var lineStartsBlank = index < bytes.count && Tokenizer.isBlank(bytes[index])
            && (index == 0 || bytes[index - 1] == UInt8(ascii: "\n"))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: ";"):
                skipRestOfLine()
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStartsBlank = index < bytes.count && Tokenizer.isBlank(bytes[index])
                if depth == 0, let failure { return .failure(failure) }
                if depth == 0 && !entry.tokens.isEmpty { return .success(entry) }
            case UInt8(ascii: "("):
                if depth == 0 { openLine = line }
                depth += 1
                index += 1
            case UInt8(ascii: ")"):
                guard depth > 0 else {
                    failure = failure ?? TokenizerError(line: line, message: "unbalanced parentheses: ')' without '('")
                    skipRestOfLine()
                    continue
                }
                depth -= 1
                index += 1
            default:
                if entry.tokens.isEmpty { entry.blankOwner = lineStartsBlank }
                let token = byte == UInt8(ascii: "\"") ? quotedString() : word()
                guard let token else {
                    let message = byte == UInt8(ascii: "\"")
                        ? "unterminated quoted string" : "escape '\\' at the end of a line"
                    failure = failure ?? TokenizerError(line: line, message: message)
                    skipRestOfLine()
                    continue
                }
                entry.tokens.append(token)
            }
        }
        if let failure { return .failure(failure) }
        if depth > 0 {
            return .failure(TokenizerError(line: openLine, message: "unbalanced parentheses: '(' is never closed"))
        }
        return entry.tokens.isEmpty ? nil : .success(entry)
    }

    private mutating func skipRestOfLine() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
    }

    /// Reads an unquoted field; `\` escapes the next byte, so `a\ b` is one field. Nil for a final lone `\`.
    private mutating func word() -> Token? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") else { return nil }
                index += 2
                continue
            }
            if Tokenizer.endsWord(byte) { break }
            index += 1
        }
        return Token(bytes: Array(bytes[start ..< index]), quoted: false, line: line)
    }

    /// Reads a quoted string up to its closing quote; nil when the line or file ends first.
    private mutating func quotedString() -> Token? {
        let startLine = line
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let token = Token(bytes: Array(bytes[start ..< index]), quoted: true, line: startLine)
                index += 1
                return token
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") else { return nil }
                index += 2
            case UInt8(ascii: "\n"):
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func endsWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ";"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\""):
            true
        default:
            false
        }
    }
}
