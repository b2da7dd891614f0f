/// A parsed `google.api.http` path template, such as `/v1/{name=projects/*/locations/*}:getIamPolicy`.
///
/// The grammar (from `google/api/http.proto`):
///
///     Template = "/" Segments [ Verb ] ;
///     Segments = Segment { "/" Segment } ;
///     Segment  = "*" | "**" | LITERAL | Variable ;
///     Variable = "{" FieldPath [ "=" Segments ] "}" ;
///     FieldPath = IDENT { "." IDENT } ;
///     Verb     = ":" LITERAL ;
///
/// Beyond the grammar, a template is rejected when `**` is not its last segment, when a variable contains
/// another variable, when one field path is bound twice, when a segment is empty, or when a literal holds a
/// character that a path segment cannot carry unescaped (see `PathTemplate.Segment.literal`).
///
/// Variables are flattened into `segments`: `/v1/{name=shelves/*}` has the segments `v1`, `shelves`, `*`, and one
/// variable covering segments `1..<3`. `{name}` is the same as `{name=*}`. Two templates are equal when they have the
/// same segments, variables and verb, whichever way they were spelled.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One `/`-separated part of a template.
    public enum Segment: Sendable, Hashable {
        /// Text matched byte for byte against the raw (still percent-encoded) request path. It holds only RFC 3986
        /// `pchar`s other than `:` and `*`: letters, digits, `-._~!$&'()+,;=@` and `%XX` escapes.
        case literal(String)
        /// `*`: exactly one non-empty segment.
        case singleWildcard
        /// `**`: zero or more non-empty segments; only ever the last segment.
        case multiWildcard
    }

    /// A `{field.path=...}` binding.
    public struct Variable: Sendable, Hashable {
        /// The field path, split at the dots: `{a.b.c}` gives `["a", "b", "c"]`.
        public var fieldPath: [String]
        /// The range of `PathTemplate.segments` this variable covers.
        public var segments: Range<Int>
        /// Whether the value can span several path segments (it covers more than one segment, or `**`). Such a value
        /// keeps `%2F` escaped when decoded, so that a `/` inside it stays distinguishable from a separator.
        public var isMultiSegment: Bool

        public init(fieldPath: [String], segments: Range<Int>, isMultiSegment: Bool) {
            self.fieldPath = fieldPath
            self.segments = segments
            self.isMultiSegment = isMultiSegment
        }
    }

    /// The most segments a template may have; it bounds the depth of the router's trie (and of its recursion).
    public static let maximumSegmentCount = 128

    /// All segments, variables' segments included, in order.
    public let segments: [Segment]
    /// The variables in the order they appear.
    public let variables: [Variable]
    /// The custom verb after the last `:` (`getIamPolicy`), if any.
    public let verb: String?

    /// Parses a template; throws `.invalidPathTemplate` naming the problem and its byte offset.
    public init(_ template: String) throws(TranscodingError) {
        var parser = PathTemplateParser(template)
        let parsed = try parser.parse()
        self.segments = parsed.segments
        self.variables = parsed.variables
        self.verb = parsed.verb
    }

    /// The template in canonical form: `{x=*}` is written `{x}`.
    public var description: String {
        var text = ""
        var segmentIndex = 0
        var variableIndex = 0
        while segmentIndex < self.segments.count {
            text.append("/")
            if variableIndex < self.variables.count, self.variables[variableIndex].segments.lowerBound == segmentIndex {
                let variable = self.variables[variableIndex]
                text.append("{")
                text.append(variable.fieldPath.joined(separator: "."))
                if !(variable.segments.count == 1 && self.segments[segmentIndex] == .singleWildcard) {
                    text.append("=")
                    text.append(self.segments[variable.segments].map(\.text).joined(separator: "/"))
                }
                text.append("}")
                segmentIndex = variable.segments.upperBound
                variableIndex += 1
            } else {
                text.append(self.segments[segmentIndex].text)
                segmentIndex += 1
            }
        }
        if let verb = self.verb {
            text.append(":")
            text.append(verb)
        }
        return text
    }
}

extension PathTemplate.Segment {
    /// The segment as written in a template.
    var text: String {
        switch self {
        case .literal(let literal): literal
        case .singleWildcard: "*"
        case .multiWildcard: "**"
        }
    }
}
