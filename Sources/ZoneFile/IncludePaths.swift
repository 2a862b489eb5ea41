/// Resolves `$INCLUDE` paths and keeps them inside the include folder.
enum IncludePaths {
    /// A file to include: the path to show in messages and its real path (for containment and loop checks).
    struct Resolved {
        let display: String
        let real: String
    }

    /// Resolves `path` against `root`. A relative path may not climb out of the folder with `..`; an absolute
    /// path, and any path after following symbolic links, must lie inside the folder's real path.
    static func resolve(_ path: String, root: String) -> Result<Resolved, FieldError> {
        guard !path.isEmpty else { return .failure(FieldError("$INCLUDE needs a file name")) }
        guard let rootReal = FileSystem.realPath(root) else {
            return .failure(FieldError("$INCLUDE folder '\(root)' does not exist"))
        }
        let outside = FieldError("$INCLUDE path '\(path)' is outside the include folder '\(root)'")
        let absolute = path.hasPrefix("/")
        if !absolute {
            var depth = 0
            for component in path.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
                depth += component == ".." ? -1 : 1
                if depth < 0 { return .failure(outside) }
            }
        }
        let display = absolute ? path : (root.hasSuffix("/") ? root + path : root + "/" + path)
        guard let real = FileSystem.realPath(display) else {
            return .failure(FieldError("cannot read $INCLUDE file '\(path)'"))
        }
        let prefix = rootReal.hasSuffix("/") ? rootReal : rootReal + "/"
        guard real.hasPrefix(prefix) else { return .failure(outside) }
        return .success(Resolved(display: display, real: real))
    }
}
