#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A directory whose regular files are served read-only, looked up with the checks that keep requests inside it.
///
/// The directory is resolved (symbolic links included) once, at start. A file is found by joining the
/// segments from `StaticFilePath` to the root, resolving that path again, and accepting it only when it is
/// still inside the root and is a regular file: a symbolic link may point elsewhere inside the directory,
/// never outside it, and directories, devices and sockets are never served.
///
/// The lookups make blocking system calls (`realpath`, `stat`); callers run them off the event loops.
struct StaticFileDirectory: Sendable {
    /// What a lookup found: the resolved path and what the response headers need.
    struct File: Sendable, Equatable {
        let path: String
        let size: Int
        /// A validator from the size and the modification time (nanoseconds): a weak ETag.
        let entityTag: String
    }

    /// The resolved directory, without a trailing slash (`/` itself for the root directory).
    let root: String
    /// The names of the directory's entries when the gateway started, hidden ones excepted: the only first
    /// path segments the console claims, so that other requests go to the REST routes without a file lookup.
    let topLevelNames: Set<String>

    /// nil when `path` does not resolve to a directory.
    init?(path: String) {
        guard let resolved = Self.realPath(path), Self.isDirectory(resolved) else { return nil }
        self.root = resolved
        self.topLevelNames = Self.entryNames(of: resolved)
    }

    /// The regular file at `segments` under the root, or nil (missing, outside the root, not a regular file).
    func file(at segments: [String]) -> File? {
        let joined =
            self.root == "/" ? "/" + segments.joined(separator: "/") : self.root + "/" + segments.joined(separator: "/")
        guard let resolved = Self.realPath(joined), self.contains(resolved) else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        #if canImport(Darwin)
            let modified = (seconds: Int64(info.st_mtimespec.tv_sec), nanoseconds: Int64(info.st_mtimespec.tv_nsec))
        #else
            let modified = (seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
        #endif
        let tag =
            "W/\"\(String(size, radix: 16))-\(String(modified.seconds, radix: 16)).\(String(modified.nanoseconds, radix: 16))\""
        return File(path: resolved, size: size, entityTag: tag)
    }

    /// Whether a resolved path is the root or below it (a sibling such as `/srv/public2` is not).
    func contains(_ resolved: String) -> Bool {
        if self.root == "/" { return resolved.hasPrefix("/") }
        return resolved.hasPrefix(self.root + "/")
    }

    // MARK: System calls

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func entryNames(of directory: String) -> Set<String> {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: Set<String> = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.isEmpty && !name.hasPrefix(".") { names.insert(name) }
        }
        return names
    }
}
