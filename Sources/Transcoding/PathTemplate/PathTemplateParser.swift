/// Recursive-descent parser for `PathTemplate`, over the template's UTF-8 bytes so every error can name a byte offset.
struct PathTemplateParser {
    struct Result {
        var segments: [PathTemplate.Segment] = []
        var variables: [PathTemplate.Variable] = []
        var verb: String?
    }

    private let template: String
    private let bytes: [UInt8]
    private var position = 0
    private var result = Result()
    /// Where each segment starts, for errors found after the segment was parsed.
    private var segmentOffsets: [Int] = []
    /// Where each variable's `{` is, parallel to `result.variables`.
    private var variableOffsets: [Int] = []

    init(_ template: String) {
        self.template = template
        self.bytes = Array(template.utf8)
    }

    mutating func parse() throws(TranscodingError) -> Result {
        guard !self.bytes.isEmpty else {
            throw TranscodingError(.invalidPathTemplate, "path template is empty")
        }
        guard self.bytes[0] == UInt8(ascii: "/") else {
            throw self.failure("path template must start with '/', found \(self.describe(0))", at: 0)
        }
        self.position = 1
        try self.parseSegments(insideVariable: nil)
        if self.current == UInt8(ascii: ":") {
            try self.parseVerb()
        }
        if let byte = self.current {
            throw self.failure(self.unexpected(byte), at: self.position)
        }
        try self.checkMultiWildcardIsLast()
        return self.result
    }

    // MARK: Grammar rules

    /// `Segments = Segment { "/" Segment }`. Inside a variable, `variableStart` is the offset of its `{`.
    private mutating func parseSegments(insideVariable variableStart: Int?) throws(TranscodingError) {
        while true {
            try self.parseSegment(insideVariable: variableStart)
            guard self.current == UInt8(ascii: "/") else { return }
            self.position += 1
        }
    }

    private mutating func parseSegment(insideVariable variableStart: Int?) throws(TranscodingError) {
        let start = self.position
        guard self.result.segments.count < PathTemplate.maximumSegmentCount else {
            throw self.failure("more than \(PathTemplate.maximumSegmentCount) segments", at: start)
        }
        guard let byte = self.current else {
            if let variableStart { throw self.failure("unclosed '{'", at: variableStart) }
            throw self.failure("empty segment", at: start)
        }
        switch byte {
        case UInt8(ascii: "{"):
            if let variableStart {
                throw self.failure(
                    "nested variable (the variable opened at offset \(variableStart) is still open)", at: start)
            }
            try self.parseVariable()
        case UInt8(ascii: "*"):
            self.position += 1
            var segment = PathTemplate.Segment.singleWildcard
            if self.current == UInt8(ascii: "*") {
                self.position += 1
                segment = .multiWildcard
            }
            if let next = self.current, !Self.endsSegment(next) {
                throw self.failure("'*' and '**' must be a whole segment", at: start)
            }
            self.append(segment, at: start)
        case UInt8(ascii: "}") where variableStart == nil:
            throw self.failure("unexpected '}' (no variable is open)", at: start)
        case UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "}"):
            throw self.failure("empty segment", at: start)
        default:
            let literal = try self.parseLiteral(what: "segment")
            self.append(.literal(literal), at: start)
        }
    }

    /// `Variable = "{" FieldPath [ "=" Segments ] "}"`.
    private mutating func parseVariable() throws(TranscodingError) {
        let open = self.position
        self.position += 1
        let fieldPath = try self.parseFieldPath(variableStart: open)
        let dotted = fieldPath.joined(separator: ".")
        if let previous = self.result.variables.firstIndex(where: { $0.fieldPath == fieldPath }) {
            throw self.failure(
                "field path '\(dotted)' is bound twice (first at offset \(self.variableOffsets[previous]))",
                at: open
            )
        }
        let firstSegment = self.result.segments.count
        switch self.current {
        case UInt8(ascii: "}"):
            self.append(.singleWildcard, at: open)
        case UInt8(ascii: "="):
            self.position += 1
            try self.parseSegments(insideVariable: open)
        case nil:
            throw self.failure("unclosed '{'", at: open)
        case let byte?:
            throw self.failure("\(self.unexpected(byte)) in the field path of variable '\(dotted)'", at: self.position)
        }
        switch self.current {
        case UInt8(ascii: "}"):
            self.position += 1
        case nil:
            throw self.failure("unclosed '{'", at: open)
        case UInt8(ascii: ":"):
            throw self.failure(
                "unexpected ':' inside variable '\(dotted)' (a verb can only end the template)", at: self.position)
        case let byte?:
            throw self.failure("\(self.unexpected(byte)) inside variable '\(dotted)'", at: self.position)
        }
        let covered = firstSegment..<self.result.segments.count
        let isMultiSegment = covered.count > 1 || self.result.segments[covered].contains(.multiWildcard)
        self.result.variables.append(.init(fieldPath: fieldPath, segments: covered, isMultiSegment: isMultiSegment))
        self.variableOffsets.append(open)
    }

    /// `FieldPath = IDENT { "." IDENT }`, where `IDENT = [A-Za-z_][A-Za-z0-9_]*`.
    private mutating func parseFieldPath(variableStart: Int) throws(TranscodingError) -> [String] {
        var names: [String] = []
        while true {
            let start = self.position
            guard let first = self.current else { throw self.failure("unclosed '{'", at: variableStart) }
            guard Self.isIdentifierStart(first) else {
                let expected = names.isEmpty ? "expected a field name after '{'" : "expected a field name after '.'"
                throw self.failure("\(expected), found \(self.describe(start))", at: start)
            }
            self.position += 1
            while let byte = self.current, Self.isIdentifierStart(byte) || Self.isDigit(byte) {
                self.position += 1
            }
            names.append(String(decoding: self.bytes[start..<self.position], as: UTF8.self))
            guard self.current == UInt8(ascii: ".") else { return names }
            self.position += 1
        }
    }

    /// `Verb = ":" LITERAL`; must end the template.
    private mutating func parseVerb() throws(TranscodingError) {
        let colon = self.position
        self.position += 1
        guard let byte = self.current, !Self.endsSegment(byte) else {
            throw self.failure("empty verb after ':'", at: colon)
        }
        self.result.verb = try self.parseLiteral(what: "verb")
        if self.current == UInt8(ascii: ":") {
            throw self.failure("unexpected ':' after the verb (a verb cannot contain ':')", at: self.position)
        }
        if let byte = self.current {
            throw self.failure("\(self.unexpected(byte)) after the verb", at: self.position)
        }
    }

    /// Reads literal text up to the next `/`, `:`, `{`, `}` or the end, validating each character.
    private mutating func parseLiteral(what: String) throws(TranscodingError) -> String {
        let start = self.position
        while let byte = self.current, !Self.endsSegment(byte) {
            if byte == UInt8(ascii: "%") {
                guard self.position + 2 < self.bytes.count,
                    PercentDecoding.hexValue(self.bytes[self.position + 1]) != nil,
                    PercentDecoding.hexValue(self.bytes[self.position + 2]) != nil
                else {
                    throw self.failure(
                        "invalid percent-escape in \(what) (expected '%' and two hex digits)", at: self.position)
                }
                self.position += 3
                continue
            }
            if byte == UInt8(ascii: "{") {
                throw self.failure("'{' must start a whole segment", at: self.position)
            }
            if byte == UInt8(ascii: "*") {
                throw self.failure("'*' and '**' must be a whole segment, not part of a \(what)", at: self.position)
            }
            guard Self.isLiteralCharacter(byte) else {
                throw self.failure(
                    "\(self.describe(self.position)) is not allowed in a \(what) (percent-encode it)", at: self.position
                )
            }
            self.position += 1
        }
        return String(decoding: self.bytes[start..<self.position], as: UTF8.self)
    }

    // MARK: Checks and helpers

    private func checkMultiWildcardIsLast() throws(TranscodingError) {
        let segments = self.result.segments
        if let index = segments.indices.dropLast().first(where: { segments[$0] == .multiWildcard }) {
            throw self.failure("'**' must be the last segment", at: self.segmentOffsets[index])
        }
    }

    private mutating func append(_ segment: PathTemplate.Segment, at offset: Int) {
        self.result.segments.append(segment)
        self.segmentOffsets.append(offset)
    }

    private var current: UInt8? {
        self.position < self.bytes.count ? self.bytes[self.position] : nil
    }

    private func failure(_ problem: String, at offset: Int) -> TranscodingError {
        TranscodingError(.invalidPathTemplate, "\(problem) at offset \(offset) in \"\(self.template)\"")
    }

    private func unexpected(_ byte: UInt8) -> String {
        "unexpected \(Self.describe(byte))"
    }

    private func describe(_ offset: Int) -> String {
        Self.describe(self.bytes[offset])
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "a space" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(byte < 0x10 ? "0" : "")\(hex)"
    }

    /// Characters that end a literal or wildcard segment.
    private static func endsSegment(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "}")
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// RFC 3986 `pchar` minus `%` (handled as escapes), `:` (the verb separator) and `*` (wildcards).
    private static func isLiteralCharacter(_ byte: UInt8) -> Bool {
        if self.isIdentifierStart(byte) || self.isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }
}
