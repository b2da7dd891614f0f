@testable import Transcoding

/// Builds a router whose routes are their own "METHOD template" labels, from lines such as `GET /v1/{name}`.
func makeRouter(_ routes: [String], options: RouterOptions = .init()) throws -> Router<String> {
    var router = Router<String>(options: options)
    for line in routes {
        let (method, template) = splitRequestLine(line)
        try router.add(method: method, template: PathTemplate(template), route: line)
    }
    return router
}

/// Splits `GET /v1/x` into its method and path.
func splitRequestLine(_ line: String) -> (method: String, path: String) {
    guard let space = line.firstIndex(of: " ") else { return (line, "") }
    return (String(line[..<space]), String(line[line.index(after: space)...]))
}

/// A match as one line: `GET /v1/{name} name=x`, `405 GET,POST` or `404`.
func render(_ match: RouterMatch<String>) -> String {
    switch match {
    case .matched(let route, let bindings): ([route] + bindings.map(\.description)).joined(separator: " ")
    case .methodNotAllowed(let allowed): "405 " + allowed.joined(separator: ",")
    case .notFound: "404"
    }
}

/// Matches a request line (`GET /v1/x`) and renders the result.
func route(_ router: Router<String>, _ request: String) throws -> String {
    let (method, path) = splitRequestLine(request)
    return render(try router.match(method: method, path: path))
}
