/// Finds the route for an HTTP method and a raw request path among `google.api.http` path templates.
///
/// Templates are compiled into a trie (`RouterTrie`), so a match costs about one step per path segment however many
/// routes there are, and allocates only the binding values it returns.
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
///    `/v1/shelves/{shelf}`, which beats `/v1/{name=**}`; `/v1/{a}/b` beats `/v1/*/{c}` only where they differ.
///    A template that ends where the path ends beats `**` matching zero segments (`/v1` beats `/v1/**` on `/v1`).
/// 4. **No ties.** Two routes with the same method and an equivalent template (the same segments and verb, whatever
///    the variable names) are rejected by `add`, so the order above always picks exactly one route.
///
/// ## Paths
///
/// `match` takes the path as received: no query string, still percent-encoded.
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
    public let options: RouterOptions
    private var trie = RouterTrie()
    private var entries: [Entry] = []

    /// One added route and what `match` needs to bind its variables.
    private struct Entry: Sendable {
        var method: String
        var template: PathTemplate
        var route: Route
        var variables: [VariablePlan]
    }

    /// Where a variable's value lies, in template segment indices.
    struct VariablePlan: Sendable {
        var fieldPath: [String]
        var firstSegment: Int
        var lastSegment: Int
        /// The variable ends with `**`, so its value runs to the end of the path's segments.
        var endsWithMultiWildcard: Bool
        var isMultiSegment: Bool
    }

    public init(options: RouterOptions = .init()) {
        self.options = options
    }

    /// The number of routes added.
    public var count: Int { self.entries.count }

    /// Adds a route. Throws `.routeConflict` when a route with the same method and an equivalent template (the same
    /// segments and verb, whatever its variables are called) is already there.
    public mutating func add(method: String, template: PathTemplate, route: Route) throws(TranscodingError) {
        let index = self.entries.count
        if let existing = self.trie.insert(template, method: method, entry: index) {
            let other = self.entries[existing].template
            let sameSpelling = other == template ? "" : " (equivalent to \(method) \(other))"
            throw TranscodingError(
                .routeConflict,
                "route \(method) \(template) is already defined\(sameSpelling); "
                    + "each method and template pair can be routed only once"
            )
        }
        let plans = template.variables.map { variable in
            VariablePlan(
                fieldPath: variable.fieldPath,
                firstSegment: variable.segments.lowerBound,
                lastSegment: variable.segments.upperBound - 1,
                endsWithMultiWildcard: template.segments[variable.segments.upperBound - 1] == .multiWildcard,
                isMultiSegment: variable.isMultiSegment
            )
        }
        self.entries.append(Entry(method: method, template: template, route: route, variables: plans))
    }

    /// Finds the route for `method` and `path` (the raw request path: no query string, still percent-encoded).
    /// Throws `.invalidPath` for a malformed percent-escape, or a bound value that is not UTF-8.
    public func match(method: String, path: String) throws(TranscodingError) -> RouterMatch<Route> {
        var path = path
        let result = path.withUTF8 { bytes in
            Result { () throws(TranscodingError) in
                try self.match(method: method, bytes: UnsafeRawBufferPointer(bytes))
            }
        }
        return try result.get()
    }

    private func match(method: String, bytes path: UnsafeRawBufferPointer) throws(TranscodingError) -> RouterMatch<Route> {
        guard path.first == UInt8(ascii: "/") else { return .notFound }
        try PercentDecoding.checkEscapes(in: path)
        var segmentsEnd = path.count
        if self.options.allowTrailingSlash && segmentsEnd > 1 && path[segmentsEnd - 1] == UInt8(ascii: "/") {
            segmentsEnd -= 1
        }
        let plain = RouterTrie.Request(path: path, segmentsEnd: segmentsEnd, verb: nil)
        let withVerb = self.trie.hasVerbs ? Self.splittingVerb(plain) : nil

        if let withVerb, let entry = self.trie.firstEntry(for: withVerb, method: method) {
            return .matched(self.entries[entry].route, bindings: try self.bindings(of: entry, in: withVerb))
        }
        if let entry = self.trie.firstEntry(for: plain, method: method) {
            return .matched(self.entries[entry].route, bindings: try self.bindings(of: entry, in: plain))
        }
        var allowed: [String] = []
        if let withVerb { self.trie.collectMethods(for: withVerb, into: &allowed) }
        self.trie.collectMethods(for: plain, into: &allowed)
        guard !allowed.isEmpty else { return .notFound }
        return .methodNotAllowed(allowed: Array(Set(allowed)).sorted())
    }

    /// The request with the text after the last `:` of its last segment taken as the verb; nil without such a `:`.
    private static func splittingVerb(_ request: RouterTrie.Request) -> RouterTrie.Request? {
        var index = request.segmentsEnd - 1
        while index > 0 {
            switch request.path[index] {
            case UInt8(ascii: ":"):
                return RouterTrie.Request(path: request.path, segmentsEnd: index, verb: (index + 1)..<request.segmentsEnd)
            case UInt8(ascii: "/"):
                return nil
            default:
                index -= 1
            }
        }
        return nil
    }

    /// Decodes the values of the entry's variables from the request's segments.
    private func bindings(of entry: Int, in request: RouterTrie.Request) throws(TranscodingError) -> [PathBinding] {
        let plans = self.entries[entry].variables
        guard !plans.isEmpty else { return [] }
        let path = request.path
        let end = request.segmentsEnd
        var bindings: [PathBinding] = []
        bindings.reserveCapacity(plans.count)
        // A cursor over the segments; plans are in template order, so it only moves forward.
        var segmentIndex = 0
        var segmentStart = 1
        func advance(to target: Int) {
            while segmentIndex < target && segmentStart < end {
                while segmentStart < end && path[segmentStart] != UInt8(ascii: "/") { segmentStart += 1 }
                segmentStart += 1
                segmentIndex += 1
            }
        }
        func segmentEnd(from start: Int) -> Int {
            var index = start
            while index < end && path[index] != UInt8(ascii: "/") { index += 1 }
            return index
        }
        for plan in plans {
            advance(to: plan.firstSegment)
            let valueStart = segmentStart
            let valueEnd: Int
            if plan.endsWithMultiWildcard {
                valueEnd = end
            } else {
                advance(to: plan.lastSegment)
                valueEnd = segmentEnd(from: segmentStart)
            }
            // The trie only matches when every variable has a non-empty value, so this range is never empty; the
            // guard keeps a broken invariant from trapping.
            guard valueStart <= valueEnd else { break }
            let value = try PercentDecoding.decode(path, valueStart..<valueEnd, keepingEscapedSlashes: plan.isMultiSegment)
            bindings.append(PathBinding(fieldPath: plan.fieldPath, value: value))
        }
        return bindings
    }
}
