import HTTPTypes

/// The flavour of a gRPC-Web request, from its content type: binary or base64 text, protobuf or JSON messages.
///
/// `application/grpc-web[+proto]`, `application/grpc-web-text[+proto]`, `application/grpc-web+json` and
/// `application/grpc-web-text+json`. The JSON flavours carry proto3 JSON messages, transcoded through the
/// descriptors, so a browser can call any method without protobuf code.
struct GRPCWebFormat: Hashable, Sendable {
    /// The request body is base64 text (`application/grpc-web-text`).
    var requestIsText: Bool
    /// The answer is base64 text: for a text request, or a binary one whose `Accept` asks for
    /// `application/grpc-web-text` (a browser that cannot read binary streams).
    var responseIsText: Bool
    var isJSON: Bool

    /// The flavour of a request, from its content type and `Accept`. Nil for a request that is not gRPC-Web.
    init?(headers: HTTPFields) {
        guard let contentType = headers.value(.contentType), var format = Self(contentType: contentType) else {
            return nil
        }
        if let accept = headers.value(.accept), accept.contains("application/grpc-web-text") {
            format.responseIsText = true
        }
        self = format
    }

    /// Nil when the content type is not gRPC-Web (or names a codec other than proto and json).
    init?(contentType: String) {
        // The values clients send are compared whole first (for ASCII strings, a byte comparison): a fifth of
        // the cost of the general parse below, which runs on every request.
        switch contentType {
        case "application/grpc-web+proto", "application/grpc-web":
            self.init(requestIsText: false, isJSON: false)
            return
        case "application/grpc-web-text", "application/grpc-web-text+proto":
            self.init(requestIsText: true, isJSON: false)
            return
        case "application/grpc-web+json":
            self.init(requestIsText: false, isJSON: true)
            return
        case "application/grpc-web-text+json":
            self.init(requestIsText: true, isJSON: true)
            return
        default:
            break
        }
        // Compared as bytes: String's prefix and equality checks are Unicode's.
        var rest = RequestMetadata.mediaType(contentType).utf8[...]
        guard Self.removePrefix("application/grpc-web", from: &rest) else { return nil }
        let isText = Self.removePrefix("-text", from: &rest)
        if rest.isEmpty || rest.elementsEqual("+proto".utf8) {
            self.init(requestIsText: isText, isJSON: false)
        } else if rest.elementsEqual("+json".utf8) {
            self.init(requestIsText: isText, isJSON: true)
        } else {
            return nil
        }
    }

    private init(requestIsText: Bool, isJSON: Bool) {
        self.requestIsText = requestIsText
        self.responseIsText = requestIsText
        self.isJSON = isJSON
    }

    private static func removePrefix(_ prefix: StaticString, from bytes: inout Substring.UTF8View.SubSequence) -> Bool {
        let prefix = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard bytes.starts(with: prefix) else { return false }
        bytes = bytes.dropFirst(prefix.count)
        return true
    }

    /// The response content type: the answer's flavour, named in full.
    var contentType: String {
        switch (self.responseIsText, self.isJSON) {
        case (false, false): "application/grpc-web+proto"
        case (false, true): "application/grpc-web+json"
        case (true, false): "application/grpc-web-text+proto"
        case (true, true): "application/grpc-web-text+json"
        }
    }
}
