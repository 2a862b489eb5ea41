/// The local part of a mailbox address (RFC 5322 dot-atom, at most 64 octets per RFC 5321), lowercased.
package enum LocalPart {
    private static let allowedSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    package static func normalize(_ input: String) throws(APIError) -> String {
        let value = input.lowercased()
        func invalid(_ reason: String) -> APIError {
            APIError(.unprocessableContent, code: "invalid_local_part", "'\(input)' is not a valid local part: \(reason)")
        }
        guard !value.isEmpty else { throw invalid("it is empty") }
        guard value.utf8.count <= 64 else { throw invalid("it is longer than 64 octets") }
        guard value.first != ".", value.last != ".", !value.contains("..") else {
            throw invalid("dots may not lead, trail or repeat")
        }
        for byte in value.utf8 {
            guard byte < 0x80 else { throw invalid("only ASCII characters are allowed") }
            let isAlphanumeric = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            guard isAlphanumeric || byte == UInt8(ascii: ".") || allowedSymbols.contains(byte) else {
                throw invalid("'\(Character(Unicode.Scalar(byte)))' is not allowed")
            }
        }
        return value
    }
}
