/// The non-generic part of `Router`: it owns the trie and each route's variable layout, and resolves a request to an
/// entry index plus decoded bindings.
@usableFromInline
struct RouterCore: Sendable {
    /// What a request resolved to; `matched` carries the index of the route in the order routes were added.
    @usableFromInline
    enum Resolution {
        case matched(Int, [PathBinding])
        case methodNotAllowed([String])
        case notFound
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

    /// One added route's method, template, and variable layout.
    struct Entry: Sendable {
        var method: String
        var template: PathTemplate
        var variables: [VariablePlan]
    }

    /// The compiled routes, shared between copies of a router until one of them adds a route (copy-on-write), so
    /// copying a router costs one reference count whatever its size.
    private final class Storage: @unchecked Sendable {
        // Mutated only through `RouterCore.add`, and only when uniquely referenced.
        let options: RouterOptions
        var trie = RouterTrie()
        var entries: [Entry] = []

        init(options: RouterOptions) {
            self.options = options
        }

        func copy() -> Storage {
            let copy = Storage(options: self.options)
            copy.trie = self.trie
            copy.entries = self.entries
            return copy
        }
    }

    private var storage: Storage

    init(options: RouterOptions) {
        self.storage = Storage(options: options)
    }

    var options: RouterOptions { self.storage.options }

    mutating func add(method: String, template: PathTemplate) throws(TranscodingError) {
        if !isKnownUniquelyReferenced(&self.storage) {
            self.storage = self.storage.copy()
        }
        if let existing = self.storage.trie.insert(template, method: method, entry: self.storage.entries.count) {
            let other = self.storage.entries[existing].template
            let equivalence = other == template ? "" : " (equivalent to \(method) \(other))"
            throw TranscodingError(
                .routeConflict,
                "route \(method) \(template) is already defined\(equivalence); "
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
        self.storage.entries.append(Entry(method: method, template: template, variables: plans))
    }

    @usableFromInline
    func resolve(method: String, path: String) throws(TranscodingError) -> Resolution {
        var path = path
        var failure: TranscodingError?
        let resolution = path.withUTF8 { bytes in
            do throws(TranscodingError) {
                return try self.resolve(method: method, bytes: UnsafeRawBufferPointer(bytes))
            } catch {
                failure = error
                return Resolution.notFound
            }
        }
        if let failure { throw failure }
        return resolution
    }

    private func resolve(method: String, bytes path: UnsafeRawBufferPointer) throws(TranscodingError) -> Resolution {
        guard path.first == UInt8(ascii: "/") else { return .notFound }
        try PercentDecoding.checkEscapes(in: path)
        var segmentsEnd = path.count
        if self.options.allowTrailingSlash && segmentsEnd > 1 && path[segmentsEnd - 1] == UInt8(ascii: "/") {
            segmentsEnd -= 1
        }
        let plain = RouterTrie.Request(path: path, segmentsEnd: segmentsEnd, verb: nil)
        // One copy of the trie's array references for the whole search, rather than one per use of the class property.
        let trie = self.storage.trie
        let withVerb = trie.hasVerbs ? Self.splittingVerb(plain) : nil

        if let methodIndex = trie.methodIndex(method) {
            if let withVerb, let entry = trie.firstEntry(for: withVerb, methodIndex: methodIndex) {
                return .matched(entry, try self.bindings(of: entry, in: withVerb))
            }
            if let entry = trie.firstEntry(for: plain, methodIndex: methodIndex) {
                return .matched(entry, try self.bindings(of: entry, in: plain))
            }
        }
        var allowed: [Int] = []
        if let withVerb { trie.collectMethods(for: withVerb, into: &allowed) }
        trie.collectMethods(for: plain, into: &allowed)
        guard !allowed.isEmpty else { return .notFound }
        return .methodNotAllowed(Set(allowed).map { trie.methods[$0] }.sorted())
    }

    /// The request with the text after the last `:` of its last segment taken as the verb; nil without such a `:`.
    private static func splittingVerb(_ request: RouterTrie.Request) -> RouterTrie.Request? {
        var index = request.segmentsEnd - 1
        while index > 0 {
            switch request.path[index] {
            case UInt8(ascii: ":"):
                return RouterTrie.Request(
                    path: request.path, segmentsEnd: index, verb: (index + 1)..<request.segmentsEnd)
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
        let plans = self.storage.entries[entry].variables
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
                segmentStart = ByteSearch.firstIndex(of: UInt8(ascii: "/"), in: path, from: segmentStart, to: end) + 1
                segmentIndex += 1
            }
        }
        for plan in plans {
            advance(to: plan.firstSegment)
            let valueStart = segmentStart
            var valueEnd = end
            if !plan.endsWithMultiWildcard {
                advance(to: plan.lastSegment)
                valueEnd = ByteSearch.firstIndex(of: UInt8(ascii: "/"), in: path, from: segmentStart, to: end)
            }
            // The trie only matches when every variable has a non-empty value, so this range is never empty; the
            // guard keeps a broken invariant from trapping.
            guard valueStart <= valueEnd else { break }
            let value = try PercentDecoding.decode(
                path, valueStart..<valueEnd, keepingEscapedSlashes: plan.isMultiSegment)
            bindings.append(PathBinding(fieldPath: plan.fieldPath, value: value))
        }
        return bindings
    }
}
