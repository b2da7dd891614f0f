/// Finds the route for an HTTP method and a raw request path among `google.api.http` path templates.
///
/// Templates are compiled into a trie (`RouterTrie`) walked over the path's UTF-8 bytes, literal edges before `*` before
/// `**`, backtracking when a branch fails further down. Each trie node is visited at most once per search, so a match
/// costs about one step per path segment however many routes there are, and allocates only the bindings it returns.
///
/// ## Precedence
///
/// When several templates match a path, the winner is decided in this order:
///
/// 1. **Method first.** Only routes of the request's method compete. Routes of other methods that match the path only
///    turn a miss into `.methodNotAllowed`; so `GET /v1/{name}` serves `GET /v1/special` even when
///    `POST /v1/special` exists.
/// 2. **Verb first.** When the last segment contains `:`, the text after its last `:` is tried as a custom verb against
///    templates declaring that verb. Only if none matches are templates without a verb tried, against the whole path
///    (where `:` is an ordinary segment character: `/v1/{name}` matches `/v1/a:b` with `name = "a:b"`).
/// 3. **Segment by segment, left to right**, at the first segment where the candidates differ: a literal beats `*`,
///    which beats `**`. So the template with the longer literal prefix wins: `/v1/shelves/special` beats
///    `/v1/shelves/{shelf}`, which beats `/v1/{name=**}`; on `/v1/x/b`, `/v1/{a}/b` beats `/v1/*/{c}` (they tie
///    on `*`, then the literal `b` wins). When a branch fails further down, the next one is tried: `/v1/a/{z}/c` wins
///    `/v1/a/b/c`, but `/v1/a/b/d` falls back to `/v1/{x}/b/{y}`.
///    A template that ends where the path ends beats `**` matching zero segments (`/v1` beats `/v1/**` on `/v1`).
/// 4. **No ties.** Two routes with the same method and an equivalent template (the same segments and verb, whatever
///    the variable names) are rejected by `add`, so the order above always picks exactly one route.
///
/// ## Paths
///
/// `match` takes the path as received: no query string, still percent-encoded. A path that does not start with `/` is
/// `.notFound`.
/// - Literal segments and verbs are compared with the raw text: `%74hings` does not match the literal `things`.
/// - Wildcards match non-empty segments only, so `//` matches nothing; a variable is never bound to an empty value.
///   `**` may match zero segments when it is not a variable on its own (`/v1/**` matches `/v1`).
/// - Variable values are percent-decoded. A single-segment value is decoded fully (`%2F` becomes `/`); a multi-segment
///   value (`**`, or a variable covering several segments such as `{name=shelves/*}`) keeps `%2F` and `%2f` escaped,
///   as Envoy does, so a decoded `/` always marks a segment boundary.
/// - A `%` not followed by two hex digits anywhere in the path, and a bound value that does not decode to UTF-8,
///   make `match` throw `.invalidPath`.
/// - The path `/` has no segments; with `RouterOptions.allowTrailingSlash`, one trailing `/` is ignored.
public struct Router<Route: Sendable>: Sendable {
    // The work happens in the non-generic `RouterCore`, compiled once; this shell only maps entry indices to routes,
    // and is inlinable so callers specialize it for their `Route`.
    @usableFromInline var core: RouterCore
    @usableFromInline var routes: [Route] = []

    public init(options: RouterOptions = .init()) {
        self.core = RouterCore(options: options)
    }

    public var options: RouterOptions { self.core.options }

    /// The number of routes added.
    public var count: Int { self.routes.count }

    /// Adds a route. Throws `.routeConflict` when a route with the same method and an equivalent template (the same
    /// segments and verb, whatever its variables are called) is already there.
    public mutating func add(method: String, template: PathTemplate, route: Route) throws(TranscodingError) {
        try self.core.add(method: method, template: template)
        self.routes.append(route)
    }

    /// Finds the route for `method` and `path` (the raw request path: no query string, still percent-encoded).
    /// Throws `.invalidPath` for a malformed percent-escape, or a bound value that is not UTF-8.
    @inlinable
    public func match(method: String, path: String) throws(TranscodingError) -> RouterMatch<Route> {
        switch try self.core.resolve(method: method, path: path) {
        case .matched(let entry, let bindings): .matched(self.routes[entry], bindings: bindings)
        case .methodNotAllowed(let allowed): .methodNotAllowed(allowed: allowed)
        case .notFound: .notFound
        }
    }
}
