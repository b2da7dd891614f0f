import Foundation
import Transcoding

// Route matching on a table of 1,000 `google.api.http` templates: Portico's `Router` (a trie) against trying each
// template in turn.

/// A route of the table.
struct RouteSpec {
    var method: String
    var template: String
}

/// A request, and the route it must reach or the way it must miss.
struct RoutingRequest {
    enum Outcome: Equatable {
        case route(Int)
        case notFound
        case methodNotAllowed
    }

    var method: String
    var path: String
    var expected: Outcome
}

/// The ten routes of one API under `base` (`/v1/library`, ...): collection methods, resource names with variables,
/// a custom verb, `**`, and one deep template.
private func routes(under base: String) -> [RouteSpec] {
    [
        RouteSpec(method: "GET", template: "\(base)/shelves"),
        RouteSpec(method: "POST", template: "\(base)/shelves"),
        RouteSpec(method: "GET", template: "\(base)/{name=shelves/*}"),
        RouteSpec(method: "PATCH", template: "\(base)/{shelf.name=shelves/*}"),
        RouteSpec(method: "DELETE", template: "\(base)/{name=shelves/*}"),
        RouteSpec(method: "GET", template: "\(base)/{parent=shelves/*}/books"),
        RouteSpec(method: "GET", template: "\(base)/{name=shelves/*/books/*}"),
        RouteSpec(method: "POST", template: "\(base)/{name=shelves/*/books/*}:checkout"),
        RouteSpec(method: "GET", template: "\(base)/files/{path=**}"),
        RouteSpec(
            method: "GET",
            template:
                "\(base)/projects/{project}/locations/{location}/shelves/{shelf}/books/{book}/revisions/{revision}:diff"
        ),
    ]
}

/// A request path that reaches route `kind` of `routes(under:)`; `variant` varies the values.
private func path(toRoute kind: Int, under base: String, variant: Int) -> String {
    switch kind {
    case 0, 1: "\(base)/shelves"
    case 2, 3, 4: "\(base)/shelves/s\(variant)"
    case 5: "\(base)/shelves/s\(variant)/books"
    // An escape for the bindings' percent-decoding to undo.
    case 6: "\(base)/shelves/s\(variant)/books/dune%20\(variant)"
    case 7: "\(base)/shelves/s\(variant)/books/b\(variant):checkout"
    case 8: "\(base)/files/reports/2024/q\(variant % 4 + 1)/summary-\(variant).pdf"
    default:
        "\(base)/projects/p\(variant)/locations/eu-west\(variant % 3)/shelves/s\(variant)"
            + "/books/b\(variant)/revisions/r\(variant):diff"
    }
}

/// 100 APIs of ten routes each. Each API has its own second segment and its routes differ in shape, so no path
/// matches two templates of the same method: the first template that matches is also the one the router's
/// precedence picks, which lets the linear scan stop there.
let routingAPIs = 100

private func apiBase(_ api: Int) -> String {
    let names = [
        "library", "billing", "storage", "identity", "catalog", "orders", "payments", "search", "media", "audit",
    ]
    let name = names[api % names.count] + (api < names.count ? "" : "\(api / names.count)")
    return "/v\(1 + api % 2)/\(name)"
}

func makeRouteSpecs() -> [RouteSpec] {
    (0..<routingAPIs).flatMap { routes(under: apiBase($0)) }
}

/// 160 hits (16 on each kind of route, on varied APIs), 20 paths no route has (404) and 20 that only other methods
/// have (405), shuffled by a fixed seed.
func makeRoutingRequests() -> [RoutingRequest] {
    var requests: [RoutingRequest] = []
    let kinds = routes(under: "")
    for kind in kinds.indices {
        for variant in 0..<16 {
            let api = (kind * 37 + variant * 13) % routingAPIs
            let path = path(toRoute: kind, under: apiBase(api), variant: variant)
            requests.append(RoutingRequest(method: kinds[kind].method, path: path, expected: .route(api * 10 + kind)))
        }
    }
    for variant in 0..<20 {
        let base = apiBase(variant * 7 % routingAPIs)
        let misses = [
            RoutingRequest(method: "GET", path: "/v3/library/shelves", expected: .notFound),
            RoutingRequest(method: "GET", path: "\(base)/shelves/s\(variant)/magazines", expected: .notFound),
            RoutingRequest(
                method: "GET", path: "\(base)/projects/p/locations/l/shelves/s/books/b/revisions/r", expected: .notFound
            ),
            RoutingRequest(method: "POST", path: "\(base)/unknown/s\(variant)", expected: .notFound),
            RoutingRequest(method: "PUT", path: "\(base)/shelves/s\(variant)", expected: .methodNotAllowed),
            RoutingRequest(method: "DELETE", path: "\(base)/shelves", expected: .methodNotAllowed),
            RoutingRequest(method: "POST", path: "\(base)/files/a/b\(variant)", expected: .methodNotAllowed),
            RoutingRequest(method: "DELETE", path: "\(base)/shelves/s/books/b:checkout", expected: .methodNotAllowed),
        ]
        // Alternate between the four 404 shapes and the four 405 shapes: 20 of each in all.
        requests.append(misses[variant % 4])
        requests.append(misses[4 + variant % 4])
    }
    var generator = SeededGenerator(seed: 0x5EED)
    for index in stride(from: requests.count - 1, to: 0, by: -1) {
        requests.swapAt(index, Int(generator.next() % UInt64(index + 1)))
    }
    return requests
}

/// A small deterministic generator (splitmix64), so every run and build shuffles the requests the same way.
private struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The baseline: each template in a one-route `Router` of its own (the library has no per-template match), tried in
/// turn. The first route of the request's method that matches wins; a miss tries all 1,000.
struct LinearScanRouter {
    var routers: [Router<Int>] = []

    mutating func add(method: String, template: PathTemplate, route: Int) throws {
        var router = Router<Int>()
        try router.add(method: method, template: template, route: route)
        self.routers.append(router)
    }

    func match(method: String, path: String) throws -> RouterMatch<Int> {
        var allowed: [String] = []
        for router in self.routers {
            switch try router.match(method: method, path: path) {
            case .matched(let route, let bindings): return .matched(route, bindings: bindings)
            case .methodNotAllowed(let methods): allowed.append(contentsOf: methods)
            case .notFound: continue
            }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: Set(allowed).sorted())
    }
}

/// A number that depends on the whole match, so none of it is optimized away.
private func digest(_ match: RouterMatch<Int>) -> Int {
    switch match {
    case .matched(let route, let bindings): route &+ bindings.count
    case .methodNotAllowed(let allowed): -allowed.count
    case .notFound: -100
    }
}

private func outcome(_ match: RouterMatch<Int>) -> RoutingRequest.Outcome {
    switch match {
    case .matched(let route, _): .route(route)
    case .methodNotAllowed: .methodNotAllowed
    case .notFound: .notFound
    }
}

/// Builds both routers, checks that they resolve every request as expected, then times and counts allocations on all
/// requests and on each kind of request.
func runRouting() throws {
    let specs = makeRouteSpecs()
    var router = Router<Int>()
    var linear = LinearScanRouter()
    for (index, spec) in specs.enumerated() {
        let template = try PathTemplate(spec.template)
        try router.add(method: spec.method, template: template, route: index)
        try linear.add(method: spec.method, template: template, route: index)
    }
    let requests = makeRoutingRequests()
    for request in requests {
        let trie = outcome(try router.match(method: request.method, path: request.path))
        let scan = outcome(try linear.match(method: request.method, path: request.path))
        guard trie == request.expected, scan == request.expected else {
            fatalError("\(request.method) \(request.path): expected \(request.expected), got \(trie) and \(scan)")
        }
    }

    let hits = requests.filter { if case .route = $0.expected { true } else { false } }
    let groups: [(String, [RoutingRequest])] = [
        ("all", requests),
        ("hits", hits),
        ("404", requests.filter { $0.expected == .notFound }),
        ("405", requests.filter { $0.expected == .methodNotAllowed }),
    ]
    print("")
    print(
        "Route matching on \(specs.count) templates, \(requests.count) shuffled requests; thousands of matches per CPU",
        "second and ns per match, best of 7 runs; Portico's Router vs a linear scan of one-route routers"
    )
    print(pad("requests", 8), pad("", 34), pad("measure", 16), figureHeadings.joined(separator: " "))
    for (label, group) in groups {
        func matchAll(_ match: (String, String) throws -> RouterMatch<Int>) rethrows -> Int {
            var total = 0
            for request in group { total &+= digest(try match(request.method, request.path)) }
            return total
        }
        let trieRate = try bestRate(
            units: group.count, batch: max(1, 2_000 / group.count), fixedCalls: max(1, 200_000 / group.count)
        ) { try matchAll(router.match) }
        let linearRate =
            Flags.porticoOnly
            ? .nan
            : try bestRate(units: group.count, batch: 1, fixedCalls: max(1, 2_000 / group.count)) {
                try matchAll(linear.match)
            }
        // Counted over whole passes, reported per match.
        let trieAllocations = try AllocationCounter.perCall(20) { try matchAll(router.match) }
        let linearAllocations =
            Flags.porticoOnly ? nil : try AllocationCounter.perCall(1) { try matchAll(linear.match) }
        printRow(
            label,
            "\(group.count) of \(requests.count) requests",
            "k matches/s",
            portico: trieRate / 1e3,
            baseline: linearRate / 1e3,
            ratio: trieRate / linearRate,
            porticoAllocations: trieAllocations?.divided(by: group.count),
            baselineAllocations: linearAllocations?.divided(by: group.count)
        )
        print(pad("", 8), pad("", 34), pad("ns/match", 16), format(1e9 / trieRate), format(1e9 / linearRate))
    }
}
