/// Every `google.api.http` route of a descriptor pool, compiled into one router.
public struct HTTPRouteTable: Sendable {
    public let routes: [HTTPRoute]
    private let router: Router<HTTPRoute>
    /// Kept alive with the routes: their descriptors refer to one another unowned, and the pool owns them all.
    private let pool: DescriptorPool

    /// Compiles the routes of every method (or of the named services only) that has `google.api.http` rules.
    /// Fails on the first rule whose template does not parse, whose variables or body name no field, or
    /// that collides with another rule, naming the method.
    public init(
        pool: DescriptorPool,
        services: Set<String>? = nil,
        options: RouterOptions = .init()
    ) throws(TranscodingError) {
        var router = Router<HTTPRoute>(options: options)
        var routes: [HTTPRoute] = []
        for service in pool.services where services?.contains(service.fullName) ?? true {
            for method in service.methods {
                for rule in method.httpRules {
                    let route = try HTTPRoute(method: method, rule: rule)
                    do {
                        try router.add(method: rule.method, template: route.template, route: route)
                    } catch {
                        throw TranscodingError(
                            error.code,
                            "method \(method.fullName), \(rule.method) \(rule.pathTemplate): \(error.message)"
                        )
                    }
                    routes.append(route)
                }
            }
        }
        self.routes = routes
        self.router = router
        self.pool = pool
    }

    /// Finds the route for a request: `path` is the raw (still percent-encoded) path without the query.
    public func match(method: String, path: String) throws(TranscodingError) -> RouterMatch<HTTPRoute> {
        try self.router.match(method: method, path: path)
    }
}
