/// A field that could not be read, with the line of the field when it differs from the entry's.
struct FieldError: Error {
    let message: String
    let line: Int?

    init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}
