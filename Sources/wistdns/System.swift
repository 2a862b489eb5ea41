#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
func printError(_ line: String) {
    write(line, to: 2)
}

/// Writes a line to standard output at once, even when it is a pipe (where `print` would buffer it).
func printNow(_ line: String) {
    write(line, to: 1)
}

private func write(_ line: String, to descriptor: Int32) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = Glibc.write(descriptor, bytes.baseAddress, bytes.count) }
}
