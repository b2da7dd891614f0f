import NIOHPACK
import NIOHTTP2

extension UpstreamStatus {
    /// Reads the status from a trailers block (or the block of a trailers-only response).
    ///
    /// A missing or malformed `grpc-status` is `UNKNOWN`, as the gRPC spec says for a 200 response without one.
    init(trailers: HPACKHeaders) {
        var trailers = trailers
        trailers.removePseudoHeaders()
        let message = trailers.first(name: "grpc-message").map(Self.percentDecoded) ?? ""
        let details = trailers.first(name: "grpc-status-details-bin").flatMap(Base64.decode)

        guard let rawStatus = trailers.first(name: "grpc-status") else {
            self.init(
                code: .unknown,
                message: "upstream trailers have no grpc-status"
                    + (message.isEmpty ? "" : " (grpc-message: \(message))"),
                details: details,
                trailers: trailers,
                origin: .upstream
            )
            return
        }
        guard let code = Self.parseCode(rawStatus) else {
            self.init(
                code: .unknown,
                message: "upstream sent an invalid grpc-status '\(rawStatus)'"
                    + (message.isEmpty ? "" : " (grpc-message: \(message))"),
                details: details,
                trailers: trailers,
                origin: .upstream
            )
            return
        }
        self.init(code: code, message: message, details: details, trailers: trailers, origin: .upstream)
    }

    /// The status for a response whose HTTP status is not 200, from the gRPC spec's HTTP to gRPC mapping.
    init(httpStatus: Int, headers: HPACKHeaders) {
        let code: Code
        switch httpStatus {
        case 400: code = .internal
        case 401: code = .unauthenticated
        case 403: code = .permissionDenied
        case 404: code = .unimplemented
        case 429, 502, 503, 504: code = .unavailable
        default: code = .unknown
        }
        var headers = headers
        headers.removePseudoHeaders()
        let contentType = headers.first(name: "content-type").map { ", content-type '\($0)'" } ?? ""
        self.init(
            code: code,
            message: "upstream responded with HTTP status \(httpStatus)\(contentType)",
            trailers: headers,
            origin: .upstream
        )
    }

    /// The status for an HTTP/2 RST_STREAM received from the upstream, from the gRPC spec's error code mapping.
    init(resetCode: HTTP2ErrorCode) {
        let code: Code
        switch resetCode {
        case .refusedStream: code = .unavailable
        case .cancel: code = .cancelled
        case .enhanceYourCalm: code = .resourceExhausted
        case .inadequateSecurity: code = .permissionDenied
        default: code = .internal
        }
        self.init(code: code, message: "upstream reset the stream (\(resetCode))", origin: .upstream)
    }

    /// Parses `grpc-status`: one or two ASCII digits. Codes above 16 read as `UNKNOWN`.
    static func parseCode(_ value: String) -> Code? {
        var result = 0
        var digits = 0
        for byte in value.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 2 else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > 0 else { return nil }
        return Code(rawValue: result) ?? .unknown
    }

    /// Decodes `grpc-message`: `%XX` escapes of UTF-8 bytes. A `%` not followed by two hex digits is kept as is.
    static func percentDecoded(_ value: String) -> String {
        let utf8 = value.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return value }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
                let first = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), first != utf8.endIndex,
                let second = utf8.index(first, offsetBy: 1, limitedBy: utf8.endIndex), second != utf8.endIndex,
                let high = hexValue(utf8[first]), let low = hexValue(utf8[second])
            {
                bytes.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension HPACKHeaders {
    /// Removes `:status` and any other pseudo-header, which must not be forwarded as metadata.
    mutating func removePseudoHeaders() {
        guard self.contains(where: { $0.name.utf8.first == UInt8(ascii: ":") }) else { return }
        // Responses carry only `:status`: remove it in place, without rebuilding the block.
        self.remove(name: ":status")
        guard self.contains(where: { $0.name.utf8.first == UInt8(ascii: ":") }) else { return }
        var kept = HPACKHeaders()
        kept.reserveCapacity(self.count)
        for header in self where header.name.utf8.first != UInt8(ascii: ":") {
            kept.add(name: header.name, value: header.value, indexing: header.indexable)
        }
        self = kept
    }
}
