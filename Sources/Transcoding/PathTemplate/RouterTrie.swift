/// The compiled form of a router's templates: a trie with one edge per template segment, kept in flat arrays.
///
/// Literal edges of a node are sorted (by length, then bytes) and found by binary search over the pooled literal text,
/// comparing raw path bytes, so a lookup allocates nothing. Because every edge consumes exactly one path segment
/// (except `**`, which only leads to leaves), each node is reached at one depth only, and a search visits every node
/// at most once: backtracking can never go exponential.
struct RouterTrie: Sendable {
    struct Node: Sendable {
        /// Sorted by `RouterTrie.compare` of their text.
        var literalEdges: [LiteralEdge] = []
        var singleWildcardChild: Int?
        var multiWildcardChild: Int?
        /// The routes whose templates end at this node.
        var terminals: [Terminal] = []
    }

    struct LiteralEdge: Sendable {
        /// The literal, as a range of `RouterTrie.text`.
        var text: Range<Int>
        var child: Int
    }

    struct Terminal: Sendable {
        /// The template's verb as a range of `RouterTrie.text`; nil for templates without a verb.
        var verb: Range<Int>?
        var method: String
        /// The router's index for the route.
        var entry: Int
        /// The template ends in a variable that is just `**`, so `**` must match at least one segment (a variable
        /// is never bound to an empty value).
        var multiWildcardNeedsSegment: Bool
    }

    /// A request path prepared for a search: the segments are `path[1..<segmentsEnd]`, split at `/`.
    struct Request {
        var path: UnsafeRawBufferPointer
        var segmentsEnd: Int
        /// The verb to match, as a range of `path`; nil to match only templates without a verb.
        var verb: Range<Int>?

        /// Where the first segment starts; past `segmentsEnd` when there are no segments at all (the path `/`).
        var firstSegment: Int { self.segmentsEnd > 1 ? 1 : self.segmentsEnd + 1 }
    }

    private(set) var nodes: [Node] = [Node()]
    /// All literal and verb text, pooled.
    private(set) var text: [UInt8] = []
    /// Whether any template has a verb; when none does, a request's `:` never needs splitting off.
    private(set) var hasVerbs = false

    /// Adds a template's path through the trie. Returns the entry already registered for the same method and an
    /// equivalent template (same segments and verb, whatever the variables), in which case nothing is added.
    mutating func insert(_ template: PathTemplate, method: String, entry: Int) -> Int? {
        var node = 0
        for segment in template.segments {
            switch segment {
            case .literal(let literal):
                node = self.literalChild(of: node, literal)
            case .singleWildcard:
                if let child = self.nodes[node].singleWildcardChild {
                    node = child
                } else {
                    let child = self.appendNode()
                    self.nodes[node].singleWildcardChild = child
                    node = child
                }
            case .multiWildcard:
                if let child = self.nodes[node].multiWildcardChild {
                    node = child
                } else {
                    let child = self.appendNode()
                    self.nodes[node].multiWildcardChild = child
                    node = child
                }
            }
        }
        let verb = template.verb.map { self.pool($0) }
        for terminal in self.nodes[node].terminals where terminal.method == method {
            if self.sameText(terminal.verb, verb) { return terminal.entry }
        }
        let lastVariable = template.variables.last
        let needsSegment =
            lastVariable.map { $0.segments.count == 1 && template.segments[$0.segments.lowerBound] == .multiWildcard }
            ?? false
        self.nodes[node].terminals.append(
            Terminal(verb: verb, method: method, entry: entry, multiWildcardNeedsSegment: needsSegment)
        )
        self.hasVerbs = self.hasVerbs || verb != nil
        return nil
    }

    /// The best entry for `method`, in the precedence order documented on `Router`.
    func firstEntry(for request: Request, method: String) -> Int? {
        var unused: [String] = []
        return self.search(request, method: method, allowed: &unused)
    }

    /// Appends the method of every route whose template matches the request.
    func collectMethods(for request: Request, into allowed: inout [String]) {
        _ = self.search(request, method: nil, allowed: &allowed)
    }

    // MARK: Search

    private func search(_ request: Request, method: String?, allowed: inout [String]) -> Int? {
        self.nodes.withUnsafeBufferPointer { nodes in
            self.text.withUnsafeBytes { text in
                let walker = Walker(nodes: nodes, text: text, request: request, method: method)
                return walker.walk(0, at: request.firstSegment, allowed: &allowed)
            }
        }
    }

    /// One search: depth-first, literal edges before `*` before `**`. With `method` set it stops at the first terminal
    /// of that method; with `method` nil it visits everything and collects the methods it meets.
    private struct Walker {
        let nodes: UnsafeBufferPointer<Node>
        let text: UnsafeRawBufferPointer
        let request: Request
        let method: String?

        func walk(_ nodeIndex: Int, at position: Int, allowed: inout [String]) -> Int? {
            let path = self.request.path
            let end = self.request.segmentsEnd
            guard position <= end else {
                // Every segment is consumed: this node's own templates, then `**` matching zero segments.
                if let entry = self.accept(self.nodes[nodeIndex].terminals, emptyMultiWildcard: false, &allowed) {
                    return entry
                }
                if let multi = self.nodes[nodeIndex].multiWildcardChild {
                    return self.accept(self.nodes[multi].terminals, emptyMultiWildcard: true, &allowed)
                }
                return nil
            }
            var segmentEnd = position
            while segmentEnd < end && path[segmentEnd] != UInt8(ascii: "/") { segmentEnd += 1 }
            // An empty segment (`//`, or a trailing `/` that was not removed) matches nothing.
            guard segmentEnd > position else { return nil }
            let next = segmentEnd + 1
            let segment = UnsafeRawBufferPointer(rebasing: path[position..<segmentEnd])
            if let child = self.literalChild(of: nodeIndex, matching: segment),
                let entry = self.walk(child, at: next, allowed: &allowed)
            {
                return entry
            }
            if let child = self.nodes[nodeIndex].singleWildcardChild,
                let entry = self.walk(child, at: next, allowed: &allowed)
            {
                return entry
            }
            if let multi = self.nodes[nodeIndex].multiWildcardChild, self.restIsNonEmptySegments(from: segmentEnd) {
                return self.accept(self.nodes[multi].terminals, emptyMultiWildcard: false, &allowed)
            }
            return nil
        }

        private func accept(_ terminals: [Terminal], emptyMultiWildcard: Bool, _ allowed: inout [String]) -> Int? {
            for terminal in terminals {
                guard self.verbMatches(terminal.verb) else { continue }
                if emptyMultiWildcard && terminal.multiWildcardNeedsSegment { continue }
                guard let method = self.method else {
                    allowed.append(terminal.method)
                    continue
                }
                if terminal.method == method { return terminal.entry }
            }
            return nil
        }

        private func verbMatches(_ verb: Range<Int>?) -> Bool {
            switch (verb, self.request.verb) {
            case (nil, nil): true
            case (let expected?, let actual?):
                RouterTrie.compare(
                    UnsafeRawBufferPointer(rebasing: self.text[expected]),
                    UnsafeRawBufferPointer(rebasing: self.request.path[actual])
                ) == 0
            default: false
            }
        }

        private func literalChild(of nodeIndex: Int, matching segment: UnsafeRawBufferPointer) -> Int? {
            let edges = self.nodes[nodeIndex].literalEdges
            guard !edges.isEmpty else { return nil }
            let (found, index) = RouterTrie.binarySearch(edges, self.text, for: segment)
            return found ? edges[index].child : nil
        }

        /// Whether `path[from..<segmentsEnd]` (which starts at a `/` or is empty) has no empty segment.
        private func restIsNonEmptySegments(from start: Int) -> Bool {
            let path = self.request.path
            let end = self.request.segmentsEnd
            var index = start
            while index < end {
                if path[index] == UInt8(ascii: "/") && (index + 1 == end || path[index + 1] == UInt8(ascii: "/")) {
                    return false
                }
                index += 1
            }
            return true
        }
    }

    // MARK: Building

    private mutating func appendNode() -> Int {
        self.nodes.append(Node())
        return self.nodes.count - 1
    }

    private mutating func literalChild(of node: Int, _ literal: String) -> Int {
        let key = Array(literal.utf8)
        let (found, index) = key.withUnsafeBytes { key in
            self.text.withUnsafeBytes { text in
                Self.binarySearch(self.nodes[node].literalEdges, text, for: key)
            }
        }
        if found { return self.nodes[node].literalEdges[index].child }
        let child = self.appendNode()
        let text = self.pool(literal)
        self.nodes[node].literalEdges.insert(LiteralEdge(text: text, child: child), at: index)
        return child
    }

    private mutating func pool(_ literal: String) -> Range<Int> {
        let start = self.text.count
        self.text.append(contentsOf: literal.utf8)
        return start..<self.text.count
    }

    private func sameText(_ first: Range<Int>?, _ second: Range<Int>?) -> Bool {
        guard let first, let second else { return first == nil && second == nil }
        return self.text[first].elementsEqual(self.text[second])
    }

    /// Finds `key` among `edges`, or where it would be inserted.
    private static func binarySearch(
        _ edges: [LiteralEdge],
        _ text: UnsafeRawBufferPointer,
        for key: UnsafeRawBufferPointer
    ) -> (found: Bool, index: Int) {
        var low = 0
        var high = edges.count
        while low < high {
            let middle = low + (high - low) / 2
            let order = Self.compare(UnsafeRawBufferPointer(rebasing: text[edges[middle].text]), key)
            if order == 0 { return (true, middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return (false, low)
    }

    /// Orders byte strings by length, then bytewise: cheap to reject, and a total order for the binary search.
    static func compare(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
        if first.count != second.count { return first.count < second.count ? -1 : 1 }
        for index in 0..<first.count where first[index] != second[index] {
            return first[index] < second[index] ? -1 : 1
        }
        return 0
    }
}
