#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The little file access the parser needs: reading a file, listing a folder, resolving a real path.
enum FileSystem {
    /// The file's bytes, or nil when it cannot be read (missing, a folder, no permission).
    static func read(_ path: String) -> [UInt8]? {
        guard !isDirectory(path), let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// The names of the folder's entries, or nil when it cannot be listed.
    static func list(_ directory: String) -> [String]? {
        try? FileManager.default.contentsOfDirectory(atPath: directory)
    }

    /// True when `path` is a folder.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The absolute path with every symbolic link, `.` and `..` resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
