/// What a `Router` found for a request.
public enum RouterMatch<Route> {
    /// A route of the request's method matched; `bindings` hold its variables' values in template order.
    case matched(Route, bindings: [PathBinding])
    /// Routes match the path, but none for the request's method. `allowed` lists their methods, sorted, for `Allow`.
    case methodNotAllowed(allowed: [String])
    /// No route of any method matches the path.
    case notFound
}

extension RouterMatch: Sendable where Route: Sendable {}
extension RouterMatch: Equatable where Route: Equatable {}
extension RouterMatch: Hashable where Route: Hashable {}
