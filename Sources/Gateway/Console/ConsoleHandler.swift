import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Transcoding

/// Portico's browser console: the page's static files at `/` and the service catalog it reads at
/// `/_portico/api/services`.
///
/// REST routes always win. The console claims only GET and HEAD requests for `/`, for the catalog, or for a
/// path whose first segment names an entry of the public directory, and then only when no route matches that
/// request. Any other request costs a string comparison and a set lookup here, never a file system call.
struct ConsoleHandler: Sendable {
    static let catalogPath = "/_portico/api/services"

    private let catalog: [UInt8]
    private let catalogTag: String
    /// nil when the configured directory is missing: the catalog is still served, files are 404.
    private let files: StaticFileDirectory?
    private let routes: HTTPRouteTable
    private let statuses: StatusRenderer
    private let fileIO = FileIO(threadPool: .singleton)

    init(
        publicDirectory: String,
        pool: DescriptorPool,
        routes: HTTPRouteTable,
        configuration: GatewayConfiguration,
        logger: Logger
    ) {
        let catalog = ServiceCatalog(pool: pool, routes: routes, exposedServices: configuration.exposedServices)
        self.catalog = catalog.json
        self.catalogTag = Self.entityTag(of: catalog.json)
        self.files = StaticFileDirectory(path: publicDirectory)
        self.routes = routes
        self.statuses = StatusRenderer(pool: pool, options: configuration.jsonOutput)
        if let files = self.files {
            logger.debug("console: serving files from \(files.root)")
        } else {
            logger.warning("console: \(publicDirectory) is not a readable directory; only the catalog is served")
        }
    }

    /// Whether this request is the console's (see the type's comment). Cheap: no file system access.
    func claims(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let path = RESTHandler.splitQuery(request.head.path ?? "/").path
        guard path == "/" || path == Self.catalogPath || self.isPublicEntry(firstSegmentOf: path) else { return false }
        // A path the router rejects outright is left to REST, which answers with the reason.
        guard case .notFound? = try? self.routes.match(method: request.method.rawValue, path: String(path)) else {
            return false
        }
        return true
    }

    func respond(to request: Request, context: GatewayRequestContext) async -> Response {
        let path = RESTHandler.splitQuery(request.head.path ?? "/").path
        if path == Self.catalogPath {
            return self.catalogResponse(request)
        }
        guard let files = self.files, let segments = StaticFilePath.segments(of: path) else {
            return self.notFound(request, path: path)
        }
        let found = try? await NIOThreadPool.singleton.runIfActive { files.file(at: segments) }
        guard let file = found ?? nil else { return self.notFound(request, path: path) }

        var headers = HTTPFields()
        headers[.contentType] = StaticFileContentType.of(fileName: segments.last ?? "")
        headers[.eTag] = file.entityTag
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if Self.matches(request.headers[.ifNoneMatch], tag: file.entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.size)
        if request.method == .head {
            return Response(status: .ok, headers: headers)
        }
        do {
            let body = try await self.fileIO.loadFile(path: file.path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        } catch {
            return self.notFound(request, path: path)  // removed between the lookup and the read
        }
    }

    // MARK: Helpers

    private func isPublicEntry(firstSegmentOf path: Substring) -> Bool {
        guard let files = self.files else { return false }
        let rest = path.dropFirst()
        let first = rest.prefix { $0 != "/" }
        return files.topLevelNames.contains(String(first))
    }

    private func catalogResponse(_ request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.eTag] = self.catalogTag
        headers[.cacheControl] = "no-cache"
        if Self.matches(request.headers[.ifNoneMatch], tag: self.catalogTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(self.catalog.count)
        if request.method == .head {
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.catalog)))
    }

    private func notFound(_ request: Request, path: Substring) -> Response {
        let body = self.statuses.render(
            code: .notFound, message: "no route or console file for \(request.method.rawValue) \(path)", details: nil)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .notFound, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `If-None-Match` with the weak comparison (RFC 9110 13.1.2): `*`, or any listed tag equal to `tag`
    /// once `W/` prefixes are ignored.
    static func matches(_ ifNoneMatch: String?, tag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        let opaque = { (value: Substring) -> Substring in value.hasPrefix("W/") ? value.dropFirst(2) : value }
        let wanted = opaque(tag[...])
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            guard let first = candidate.firstIndex(where: { !isSpace($0) }),
                let last = candidate.lastIndex(where: { !isSpace($0) })
            else { return false }
            let value = candidate[first...last]
            return value == "*" || opaque(value) == wanted
        }
    }

    /// A strong tag for bytes that never change while the gateway runs: their FNV-1a 64-bit hash.
    static func entityTag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "\"\(String(hash, radix: 16))\""
    }
}

extension HTTPField.Name {
    fileprivate static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
