import AdminAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder of exported signer files, updated in place: every file is written beside its final name and renamed
/// over it (a signer reading the folder sees the old file or the new one, never half of one), and the key files
/// the new export no longer has are removed, so a deleted domain's private key does not stay on disk.
struct ExportFolder {
    let root: URL

    /// Makes the folder hold exactly `files` (and whatever else is in it that is not a key file of ours).
    func replace(with files: [SignerExport.File]) throws {
        try makeFolder(root)
        for file in files {
            let target = root.appendingPathComponent(file.path)
            try makeFolder(target.deletingLastPathComponent())
            try writeAtomically(file.contents, to: target, mode: mode_t(file.mode))
        }
        let kept = Set(files.map { root.appendingPathComponent($0.path).standardizedFileURL.path })
        let keys = root.appendingPathComponent("keys")
        for domain in (try? FileManager.default.contentsOfDirectory(atPath: keys.path)) ?? [] {
            let folder = keys.appendingPathComponent(domain)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".private") {
                let path = folder.appendingPathComponent(name).standardizedFileURL.path
                if !kept.contains(path) { try FileManager.default.removeItem(atPath: path) }
            }
            if ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty {
                try? FileManager.default.removeItem(at: folder)
            }
        }
    }

    /// Creates `folder` (and its parents) with mode 0700 when missing.
    private func makeFolder(_ folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// Writes `text` to a new file beside `target` with `mode` from the start (a private key is never readable by
    /// others, not even for a moment), then renames it over `target`.
    private func writeAtomically(_ text: String, to target: URL, mode: mode_t) throws {
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ExportError("cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        var failed: String?
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failed == nil, fchmod(descriptor, mode) != 0 || fsync(descriptor) != 0 { failed = String(cString: strerror(errno)) }
        close(descriptor)
        if let failed {
            unlink(temporary.path)
            throw ExportError("cannot write \(temporary.path): \(failed)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw ExportError("cannot rename \(temporary.path) to \(target.path): \(reason)")
        }
    }
}

/// An export that could not be written.
struct ExportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
