import SwiftProtobuf

/// Leading (or else trailing) comments of a file's declarations, by their `source_code_info` path.
///
/// Kept so that the console and OpenAPI output can describe services, methods, messages and fields.
struct SourceComments {
    private var byPath: [[Int32]: String] = [:]

    init(_ info: Google_Protobuf_SourceCodeInfo) {
        for location in info.location {
            let text = location.hasLeadingComments ? location.leadingComments : location.trailingComments
            let trimmed = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.drop { $0 == " " } }
                .joined(separator: "\n")
                .trimmingWhitespace()
            if !trimmed.isEmpty && self.byPath[location.path] == nil {
                self.byPath[location.path] = trimmed
            }
        }
    }

    subscript(path: [Int32]) -> String? { self.byPath[path] }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
