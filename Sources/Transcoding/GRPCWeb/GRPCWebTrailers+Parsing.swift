extension GRPCWebTrailers {
    /// Parses the payload of a trailer frame: HTTP/1-style `name: value` lines ended by CRLF (the last line may
    /// omit it; empty lines are skipped). Names are lower-cased and must be HTTP tokens with no space before the
    /// colon; the whitespace around a value is removed; a value may not hold control characters other than tab and
    /// must be UTF-8. Errors are `.invalidValue` and name the line.
    public init(parsing payload: UnsafeRawBufferPointer) throws(TranscodingError) {
        var fields: [Field] = []
        var lineStart = 0
        var lineNumber = 1
        while lineStart < payload.count {
            var lineEnd = lineStart
            while lineEnd < payload.count && payload[lineEnd] != UInt8(ascii: "\r")
                && payload[lineEnd] != UInt8(ascii: "\n")
            {
                lineEnd += 1
            }
            if lineEnd < payload.count {
                // Only CRLF ends a line: a lone CR or LF could smuggle a line past a peer that splits differently.
                guard payload[lineEnd] == UInt8(ascii: "\r"), lineEnd + 1 < payload.count,
                    payload[lineEnd + 1] == UInt8(ascii: "\n")
                else {
                    let what = payload[lineEnd] == UInt8(ascii: "\r") ? "CR" : "LF"
                    throw TranscodingError(
                        .invalidValue,
                        "trailer line \(lineNumber) contains a \(what) that is not part of a CRLF"
                    )
                }
            }
            if lineEnd > lineStart {
                fields.append(
                    try Self.parseLine(
                        UnsafeRawBufferPointer(rebasing: payload[lineStart..<lineEnd]),
                        lineNumber: lineNumber
                    )
                )
            }
            lineStart = lineEnd + 2
            lineNumber += 1
        }
        self.init(fields)
    }

    private static func parseLine(_ line: UnsafeRawBufferPointer, lineNumber: Int) throws(TranscodingError) -> Field {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw TranscodingError(.invalidValue, "trailer line \(lineNumber) has no ':' between name and value")
        }
        guard colon > 0 else {
            throw TranscodingError(.invalidValue, "trailer line \(lineNumber) has an empty name")
        }
        for index in 0..<colon where !HTTPFieldSyntax.isTokenCharacter(line[index]) {
            throw TranscodingError(
                .invalidValue,
                "trailer line \(lineNumber) has \(HTTPFieldSyntax.describe(line[index])) in its name, "
                    + "which must be an HTTP token"
            )
        }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && HTTPFieldSyntax.isOptionalWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && HTTPFieldSyntax.isOptionalWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        for index in valueStart..<valueEnd where !HTTPFieldSyntax.isValueCharacter(line[index]) {
            throw TranscodingError(
                .invalidValue,
                "trailer line \(lineNumber) has the control character \(HTTPFieldSyntax.describe(line[index])) "
                    + "in its value"
            )
        }
        let name = String(unsafeUninitializedCapacity: colon) { output in
            for index in 0..<colon { output[index] = HTTPFieldSyntax.lowercased(line[index]) }
            return colon
        }
        guard let value = String(validating: line[valueStart..<valueEnd], as: UTF8.self) else {
            throw TranscodingError(.invalidValue, "trailer line \(lineNumber) has a value that is not UTF-8")
        }
        return Field(name: name, value: value)
    }
}
