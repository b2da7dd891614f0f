/// The compiled form of a router's templates: a trie with one edge per template segment, kept in flat arrays of plain
/// values so a search touches no reference counts and allocates nothing.
///
/// - Literal edges live in one open-addressing hash table keyed by (parent node, literal bytes); a lookup hashes the raw
///   path segment once and compares bytes against the pooled literal text.
/// - Each node has at most one `*` child and one `**` child, and a linked list of terminals (the routes whose templates
///   end there), one per method and verb.
/// - Every edge consumes exactly one path segment, except `**`, which only leads to leaves. So each node is reached at
///   one depth only, and a search visits every node at most once: backtracking can never go exponential.
struct RouterTrie: Sendable {
    struct Node: Sendable {
        var singleWildcardChild = -1
        var multiWildcardChild = -1
        /// The head of this node's terminal list in `terminals`, or -1.
        var firstTerminal = -1
        var hasLiteralChildren = false
    }

    /// One slot of the literal-edge hash table; `parent == -1` marks an empty slot.
    struct LiteralSlot: Sendable {
        var parent = -1
        var child = -1
        /// The literal, as `text[textStart..<textStart + textCount]`.
        var textStart = 0
        var textCount = 0
    }

    /// A route whose template ends at a node.
    struct Terminal: Sendable {
        /// The template's verb as `text[verbStart..<verbStart + verbCount]`; `verbCount == -1` when it has none.
        var verbStart: Int
        var verbCount: Int
        /// Index in `methods`.
        var method: Int
        /// The router's index for the route.
        var entry: Int
        /// The next terminal of the same node, or -1.
        var next: Int
        /// The template ends in a variable that is just `**`, so `**` must match at least one segment (a variable is
        /// never bound to an empty value).
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

    private var nodes = [Node()]
    private var slots = [LiteralSlot](repeating: LiteralSlot(), count: 16)
    private var usedSlots = 0
    private var terminals: [Terminal] = []
    /// All literal and verb text, pooled.
    private var text: [UInt8] = []
    /// The distinct HTTP methods of all routes; terminals refer to them by index.
    private(set) var methods: [String] = []
    /// Whether any template has a verb; when none does, a request's `:` never needs splitting off.
    private(set) var hasVerbs = false

    /// The index of `method` in `methods`, or nil when no route has that method.
    func methodIndex(_ method: String) -> Int? {
        self.methods.firstIndex(of: method)
    }

    // MARK: Building

    /// Adds a template's path through the trie. Returns the entry already registered for the same method and an
    /// equivalent template (same segments and verb, whatever the variables), in which case nothing is added.
    mutating func insert(_ template: PathTemplate, method: String, entry: Int) -> Int? {
        var node = 0
        for segment in template.segments {
            switch segment {
            case .literal(let literal):
                node = self.literalChild(of: node, literal)
            case .singleWildcard:
                if self.nodes[node].singleWildcardChild < 0 {
                    self.nodes[node].singleWildcardChild = self.appendNode()
                }
                node = self.nodes[node].singleWildcardChild
            case .multiWildcard:
                if self.nodes[node].multiWildcardChild < 0 {
                    self.nodes[node].multiWildcardChild = self.appendNode()
                }
                node = self.nodes[node].multiWildcardChild
            }
        }
        let verb = Array((template.verb ?? "").utf8)
        let methodIndex = self.methodIndex(method) ?? self.appendMethod(method)
        var index = self.nodes[node].firstTerminal
        var last = -1
        while index >= 0 {
            let terminal = self.terminals[index]
            if terminal.method == methodIndex && self.hasVerb(terminal, equalTo: template.verb == nil ? nil : verb) {
                return terminal.entry
            }
            last = index
            index = terminal.next
        }
        let verbStart = self.text.count
        self.text.append(contentsOf: verb)
        let lastVariable = template.variables.last
        let needsSegment =
            lastVariable.map { $0.segments.count == 1 && template.segments[$0.segments.lowerBound] == .multiWildcard }
            ?? false
        let terminal = Terminal(
            verbStart: verbStart,
            verbCount: template.verb == nil ? -1 : verb.count,
            method: methodIndex,
            entry: entry,
            next: -1,
            multiWildcardNeedsSegment: needsSegment
        )
        self.terminals.append(terminal)
        if last < 0 {
            self.nodes[node].firstTerminal = self.terminals.count - 1
        } else {
            self.terminals[last].next = self.terminals.count - 1
        }
        self.hasVerbs = self.hasVerbs || template.verb != nil
        return nil
    }

    private mutating func appendNode() -> Int {
        self.nodes.append(Node())
        return self.nodes.count - 1
    }

    private mutating func appendMethod(_ method: String) -> Int {
        self.methods.append(method)
        return self.methods.count - 1
    }

    private func hasVerb(_ terminal: Terminal, equalTo verb: [UInt8]?) -> Bool {
        guard let verb else { return terminal.verbCount < 0 }
        guard terminal.verbCount == verb.count else { return false }
        return self.text[terminal.verbStart..<(terminal.verbStart + terminal.verbCount)].elementsEqual(verb)
    }

    private mutating func literalChild(of node: Int, _ literal: String) -> Int {
        let key = Array(literal.utf8)
        let found = key.withUnsafeBytes { key in
            self.slots.withUnsafeBufferPointer { slots in
                self.text.withUnsafeBytes { text in
                    Self.findSlot(slots, text, parent: node, key: key)
                }
            }
        }
        if self.slots[found].parent == node { return self.slots[found].child }
        let child = self.appendNode()
        self.nodes[node].hasLiteralChildren = true
        let textStart = self.text.count
        self.text.append(contentsOf: key)
        self.slots[found] = LiteralSlot(parent: node, child: child, textStart: textStart, textCount: key.count)
        self.usedSlots += 1
        if self.usedSlots * 2 > self.slots.count { self.growSlots() }
        return child
    }

    /// Doubles the hash table, keeping it at most half full so probes stay short.
    private mutating func growSlots() {
        let old = self.slots
        self.slots = [LiteralSlot](repeating: LiteralSlot(), count: old.count * 2)
        for slot in old where slot.parent >= 0 {
            let index = self.text.withUnsafeBytes { text in
                self.slots.withUnsafeBufferPointer { slots in
                    let key = UnsafeRawBufferPointer(rebasing: text[slot.textStart..<(slot.textStart + slot.textCount)])
                    return Self.findSlot(slots, text, parent: slot.parent, key: key)
                }
            }
            self.slots[index] = slot
        }
    }

    // MARK: Searching

    /// The best entry for the method at `methodIndex`, in the precedence order documented on `Router`.
    func firstEntry(for request: Request, methodIndex: Int) -> Int? {
        var unused: [Int] = []
        return self.search(request, methodIndex: methodIndex, allowed: &unused)
    }

    /// Appends the method index of every route whose template matches the request.
    func collectMethods(for request: Request, into allowed: inout [Int]) {
        _ = self.search(request, methodIndex: nil, allowed: &allowed)
    }

    private func search(_ request: Request, methodIndex: Int?, allowed: inout [Int]) -> Int? {
        self.nodes.withUnsafeBufferPointer { nodes in
            self.slots.withUnsafeBufferPointer { slots in
                self.terminals.withUnsafeBufferPointer { terminals in
                    self.text.withUnsafeBytes { text in
                        let walker = Walker(
                            nodes: nodes,
                            slots: slots,
                            terminals: terminals,
                            text: text,
                            request: request,
                            methodIndex: methodIndex
                        )
                        return walker.walk(0, at: request.firstSegment, allowed: &allowed)
                    }
                }
            }
        }
    }

    /// One search: depth-first, literal edges before `*` before `**`. With `methodIndex` set it stops at the first
    /// terminal of that method; with `methodIndex` nil it visits everything and collects the methods it meets.
    private struct Walker {
        let nodes: UnsafeBufferPointer<Node>
        let slots: UnsafeBufferPointer<LiteralSlot>
        let terminals: UnsafeBufferPointer<Terminal>
        let text: UnsafeRawBufferPointer
        let request: Request
        let methodIndex: Int?

        func walk(_ nodeIndex: Int, at position: Int, allowed: inout [Int]) -> Int? {
            let node = self.nodes[nodeIndex]
            let path = self.request.path
            let end = self.request.segmentsEnd
            guard position <= end else {
                // Every segment is consumed: this node's own templates, then `**` matching zero segments.
                if let entry = self.accept(node.firstTerminal, emptyMultiWildcard: false, &allowed) {
                    return entry
                }
                if node.multiWildcardChild >= 0 {
                    let terminals = self.nodes[node.multiWildcardChild].firstTerminal
                    return self.accept(terminals, emptyMultiWildcard: true, &allowed)
                }
                return nil
            }
            let segmentEnd = ByteSearch.firstIndex(of: UInt8(ascii: "/"), in: path, from: position, to: end)
            // An empty segment (`//`, or a trailing `/` that was not removed) matches nothing.
            guard segmentEnd > position else { return nil }
            let next = segmentEnd + 1
            if node.hasLiteralChildren {
                let segment = UnsafeRawBufferPointer(rebasing: path[position..<segmentEnd])
                let slot = RouterTrie.findSlot(self.slots, self.text, parent: nodeIndex, key: segment)
                if self.slots[slot].parent == nodeIndex,
                    let entry = self.walk(self.slots[slot].child, at: next, allowed: &allowed)
                {
                    return entry
                }
            }
            if node.singleWildcardChild >= 0,
                let entry = self.walk(node.singleWildcardChild, at: next, allowed: &allowed)
            {
                return entry
            }
            if node.multiWildcardChild >= 0, self.restIsNonEmptySegments(from: segmentEnd) {
                let terminals = self.nodes[node.multiWildcardChild].firstTerminal
                return self.accept(terminals, emptyMultiWildcard: false, &allowed)
            }
            return nil
        }

        private func accept(_ first: Int, emptyMultiWildcard: Bool, _ allowed: inout [Int]) -> Int? {
            var index = first
            while index >= 0 {
                let terminal = self.terminals[index]
                index = terminal.next
                guard self.verbMatches(terminal) else { continue }
                if emptyMultiWildcard && terminal.multiWildcardNeedsSegment { continue }
                guard let methodIndex = self.methodIndex else {
                    allowed.append(terminal.method)
                    continue
                }
                if terminal.method == methodIndex { return terminal.entry }
            }
            return nil
        }

        private func verbMatches(_ terminal: Terminal) -> Bool {
            guard let verb = self.request.verb else { return terminal.verbCount < 0 }
            guard terminal.verbCount == verb.count else { return false }
            return RouterTrie.equal(
                UnsafeRawBufferPointer(rebasing: self.text[terminal.verbStart..<(terminal.verbStart + verb.count)]),
                UnsafeRawBufferPointer(rebasing: self.request.path[verb])
            )
        }

        /// Whether `path[start..<segmentsEnd]` (which starts at a `/` or is empty) has no empty segment.
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

    // MARK: Hash table

    /// The slot holding (`parent`, `key`), or the empty slot where it would go. The table is never full.
    private static func findSlot(
        _ slots: UnsafeBufferPointer<LiteralSlot>,
        _ text: UnsafeRawBufferPointer,
        parent: Int,
        key: UnsafeRawBufferPointer
    ) -> Int {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: Self.hash(parent: parent, key)) & mask
        while true {
            let slot = slots[index]
            if slot.parent < 0 { return index }
            if slot.parent == parent && slot.textCount == key.count
                && Self.equal(
                    UnsafeRawBufferPointer(rebasing: text[slot.textStart..<(slot.textStart + slot.textCount)]), key)
            {
                return index
            }
            index = (index + 1) & mask
        }
    }

    /// A multiply-xorshift hash of the parent node and the bytes, eight bytes per step.
    private static func hash(parent: Int, _ key: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD
        var hash = (UInt64(truncatingIfNeeded: parent) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(truncatingIfNeeded: key.count)
        var index = 0
        while index + 8 <= key.count {
            let word = UInt64(littleEndian: key.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = (hash ^ word) &* multiplier
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < key.count {
            tail |= UInt64(key[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* multiplier
        return hash ^ (hash >> 29)
    }

    static func equal(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
        guard first.count == second.count else { return false }
        for index in 0..<first.count where first[index] != second[index] {
            return false
        }
        return true
    }
}
