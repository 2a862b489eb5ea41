import Foundation

/// File-system chores around the database file: its folder, and modes that keep it private.
enum DatabaseFile {
    /// Creates the parent folder (0700) when it is missing, and the file itself with mode 0600 before SQLite
    /// opens it; an existing file is tightened to 0600. SQLite gives the `-wal` and `-shm` files it creates
    /// the mode of the database file.
    static func prepare(path: String) throws(StorageError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .other("cannot create the folder \(folder): \(error)")
            }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .other("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            throw .other("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Sets mode 0600 on the `-wal` and `-shm` files next to `path`, if they exist (a file created by an
    /// older version or another tool may be wider).
    static func restrictCompanions(of path: String) throws(StorageError) {
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            guard chmod(companion, 0o600) == 0 else {
                throw .other("cannot set the mode of \(companion): \(String(cString: strerror(errno)))")
            }
        }
    }
}
