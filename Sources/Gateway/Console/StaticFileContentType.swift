/// The `Content-Type` of a served file, from its extension (case-insensitive). Text types say UTF-8, so the
/// page's characters survive whatever the browser would guess; unknown extensions are opaque bytes.
enum StaticFileContentType {
    static let fallback = "application/octet-stream"

    static func of(fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return Self.fallback }
        let fileExtension = fileName[fileName.index(after: dot)...].lowercased()
        return Self.byExtension[fileExtension] ?? Self.fallback
    }

    private static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json",
        "map": "application/json",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff": "font/woff",
        "woff2": "font/woff2",
        "wasm": "application/wasm",
        "proto": "text/plain; charset=utf-8",
        "binpb": "application/octet-stream",
    ]
}
