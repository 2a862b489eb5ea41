import Glibc

/// Owns one file descriptor and closes it when the last reference goes away, so a descriptor is never closed
/// while a thread that uses it is still running (the threads hold a reference until they are joined).
package final class FileDescriptor: Sendable {
    /// The descriptor number.
    package let raw: Int32

    package init(_ raw: Int32) {
        self.raw = raw
    }

    deinit {
        close(raw)
    }
}
