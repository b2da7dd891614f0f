import Testing

@testable import Transcoding

@Suite("Router with 1,000 templates")
struct PathTemplateRouterScaleTests {
    /// 250 services with four routes each: 1,000 templates sharing prefixes, variables, verbs and `**`.
    static func serviceRoutes() -> [String] {
        (0..<250).flatMap { service in
            let prefix = "/api/v\(service % 5)/svc\(service)"
            return [
                "GET \(prefix)/items/{item_id}",
                "POST \(prefix)/items/{item_id}:run",
                "GET \(prefix)/{name=shelves/*/books/*}",
                "DELETE \(prefix)/files/{path=**}",
            ]
        }
    }

    @Test("every one of 1,000 routes is found with its bindings; misses are 404 or 405")
    func thousandServiceRoutes() throws {
        let routes = Self.serviceRoutes()
        #expect(routes.count == 1_000)
        let router = try makeRouter(routes)
        #expect(router.count == 1_000)
        for service in 0..<250 {
            let prefix = "/api/v\(service % 5)/svc\(service)"
            let expectations = [
                ("GET \(prefix)/items/x\(service)", "GET \(prefix)/items/{item_id} item_id=x\(service)"),
                ("POST \(prefix)/items/x\(service):run", "POST \(prefix)/items/{item_id}:run item_id=x\(service)"),
                ("GET \(prefix)/items/x\(service):run", "GET \(prefix)/items/{item_id} item_id=x\(service):run"),
                (
                    "GET \(prefix)/shelves/s\(service)/books/b%2F\(service)",
                    "GET \(prefix)/{name=shelves/*/books/*} name=shelves/s\(service)/books/b%2F\(service)"
                ),
                (
                    "DELETE \(prefix)/files/a/b%2F\(service)/c",
                    "DELETE \(prefix)/files/{path=**} path=a/b%2F\(service)/c"
                ),
                ("PUT \(prefix)/items/x", "405 GET"),
                ("DELETE \(prefix)/items/x:run", "405 GET,POST"),
                ("GET \(prefix)/files/a", "405 DELETE"),
                ("GET \(prefix)/unknown/x", "404"),
                ("GET \(prefix)/items", "404"),
                ("GET /api/v\((service + 1) % 5)/svc\(service)/items/x", "404"),
            ]
            for (request, expected) in expectations {
                #expect(try route(router, request) == expected, "\(request)")
            }
        }
        #expect(try route(router, "GET /api/v0/svc9999/items/x") == "404")
    }

    @Test("1,000 random templates agree with a brute-force reference matcher", arguments: [1, 2, 3])
    func randomTemplatesAgreeWithReference(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var router = Router<String>()
        var added: [ReferenceRoute] = []
        var attempts = 0
        while added.count < 1_000 && attempts < 50_000 {
            attempts += 1
            let (method, text) = Self.randomTemplate(using: &generator)
            let template = try PathTemplate(text)
            let label = "\(method) \(text)"
            do throws(TranscodingError) {
                try router.add(method: method, template: template, route: label)
                added.append(ReferenceRoute(method: method, template: template, label: label))
            } catch {
                #expect(error.code == .routeConflict)
                // The router only refuses a route the reference also considers equivalent to one already there.
                #expect(
                    added.contains {
                        $0.method == method && $0.template.segments == template.segments
                            && $0.template.verb == template.verb
                    })
            }
        }
        #expect(added.count == 1_000)
        for allowTrailingSlash in [true, false] {
            var options = RouterOptions()
            options.allowTrailingSlash = allowTrailingSlash
            var compiled = Router<String>(options: options)
            for entry in added { try compiled.add(method: entry.method, template: entry.template, route: entry.label) }
            for _ in 0..<3_000 {
                let request = Self.randomRequest(using: &generator)
                let expected = ReferenceRoute.match(added, request, allowTrailingSlash: allowTrailingSlash)
                #expect(try route(compiled, request) == expected, "\(request)")
            }
        }
    }

    // MARK: Random inputs

    private static func randomTemplate(using generator: inout SplitMix64) -> (String, String) {
        let length = Int.random(in: 1...5, using: &generator)
        var parts: [String] = []
        for index in 0..<length {
            let isLast = index == length - 1
            let choices =
                ["a", "b", "c", "*", "{v\(index)}", "{v\(index)=a/*}", "{v\(index)=*/b}"]
                + (isLast ? ["**", "{v\(index)=**}", "{v\(index)=c/**}"] : [])
            parts.append(choices.randomElement(using: &generator) ?? "a")
        }
        let verb = ["", "", ":x", ":y"].randomElement(using: &generator) ?? ""
        let method = ["GET", "POST", "DELETE"].randomElement(using: &generator) ?? "GET"
        return (method, "/" + parts.joined(separator: "/") + verb)
    }

    private static func randomRequest(using generator: inout SplitMix64) -> String {
        let length = Int.random(in: 0...6, using: &generator)
        let segments = (0..<length).map { _ in
            ["a", "a", "b", "b", "c", "c", "d", "a:x", "b:y", "x:", ""].randomElement(using: &generator) ?? "a"
        }
        var path = "/" + segments.joined(separator: "/")
        path += ["", "", "", ":x", ":y", ":z"].randomElement(using: &generator) ?? ""
        if Int.random(in: 0..<6, using: &generator) == 0 { path += "/" }
        let method = ["GET", "POST", "DELETE", "PUT"].randomElement(using: &generator) ?? "GET"
        return "\(method) \(path)"
    }
}

/// A deliberately naive matcher: tries every template against the split path and picks the winner by comparing
/// segment kinds (literal < `*` < `**`, ending < `**`) lexicographically. Paths must be free of percent-escapes.
struct ReferenceRoute {
    var method: String
    var template: PathTemplate
    var label: String

    static func match(_ routes: [ReferenceRoute], _ request: String, allowTrailingSlash: Bool) -> String {
        let (method, path) = splitRequestLine(request)
        guard path.hasPrefix("/") else { return "404" }
        var body = String(path.dropFirst())
        if allowTrailingSlash && path.count > 1 && body.hasSuffix("/") { body.removeLast() }
        let plain = body.isEmpty ? [] : body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var modes: [(segments: [String], verb: String?)] = []
        if let last = plain.last, let colon = last.lastIndex(of: ":") {
            var segments = plain
            segments[segments.count - 1] = String(last[..<colon])
            if segments == [""] { segments = [] }
            modes.append((segments, String(last[last.index(after: colon)...])))
        }
        modes.append((plain, nil))

        var allowed: Set<String> = []
        for mode in modes {
            var best: (key: [Int], route: ReferenceRoute, bindings: [String])?
            for route in routes where route.template.verb == mode.verb {
                guard let bindings = route.bindings(for: mode.segments) else { continue }
                allowed.insert(route.method)
                guard route.method == method else { continue }
                let key = route.template.segments.map(\.rank)
                if best == nil || key.lexicographicallyPrecedes(best?.key ?? []) {
                    best = (key, route, bindings)
                }
            }
            if let best { return ([best.route.label] + best.bindings).joined(separator: " ") }
        }
        return allowed.isEmpty ? "404" : "405 " + allowed.sorted().joined(separator: ",")
    }

    /// The rendered bindings when the template matches the segments, else nil.
    func bindings(for segments: [String]) -> [String]? {
        guard let ranges = self.ranges(templateIndex: 0, pathIndex: 0, segments) else { return nil }
        var bindings: [String] = []
        for variable in self.template.variables {
            let lower = ranges[variable.segments.lowerBound].lowerBound
            let upper = ranges[variable.segments.upperBound - 1].upperBound
            let value = segments[lower..<upper].joined(separator: "/")
            if value.isEmpty { return nil }
            bindings.append("\(variable.fieldPath.joined(separator: "."))=\(value)")
        }
        return bindings
    }

    /// For each template segment, the range of path segments it matched.
    private func ranges(templateIndex: Int, pathIndex: Int, _ segments: [String]) -> [Range<Int>]? {
        let template = self.template.segments
        guard templateIndex < template.count else { return pathIndex == segments.count ? [] : nil }
        switch template[templateIndex] {
        case .literal(let literal):
            guard pathIndex < segments.count, segments[pathIndex] == literal else { return nil }
        case .singleWildcard:
            guard pathIndex < segments.count, !segments[pathIndex].isEmpty else { return nil }
        case .multiWildcard:
            guard segments[pathIndex...].allSatisfy({ !$0.isEmpty }) else { return nil }
            return [pathIndex..<segments.count]
        }
        guard let rest = self.ranges(templateIndex: templateIndex + 1, pathIndex: pathIndex + 1, segments) else {
            return nil
        }
        return [pathIndex..<(pathIndex + 1)] + rest
    }
}

extension PathTemplate.Segment {
    /// Precedence rank: lower wins.
    fileprivate var rank: Int {
        switch self {
        case .literal: 0
        case .singleWildcard: 1
        case .multiWildcard: 2
        }
    }
}
