import HTTPTypes
import NIOHPACK

/// Reads what a client's HTTP headers ask of the backend call: metadata and deadline.
enum RequestMetadata {
    /// The request headers that `policy` forwards, as gRPC metadata. A value with CR, LF or NUL is refused, and so
    /// is metadata over the policy's ``MetadataPolicy/maxForwardedBytes`` (431).
    static func forward(_ headers: HTTPFields, policy: MetadataPolicy) throws(GatewayError) -> HPACKHeaders {
        var metadata = HPACKHeaders()
        var size = 0
        for field in headers {
            let name = field.name.canonicalName
            guard policy.forwardsRequestHeader(name) else { continue }
            guard MetadataPolicy.isSafeValue(field.value) else {
                throw GatewayError(code: .invalidArgument, message: "header \(name) contains a line break or NUL")
            }
            size += name.utf8.count + field.value.utf8.count + 32
            metadata.add(name: name, value: field.value)
        }
        guard size <= policy.maxForwardedBytes else {
            throw GatewayError(
                code: .resourceExhausted,
                message: "the request headers forwarded as metadata come to \(size) bytes, more than the limit of "
                    + "\(policy.maxForwardedBytes)",
                httpStatus: 431
            )
        }
        return metadata
    }

    static let grpcTimeout = HTTPField.Name("grpc-timeout")!
    static let serverTimeout = HTTPField.Name("x-server-timeout")!

    /// The deadline the client asked for: `grpc-timeout` (gRPC syntax) or `X-Server-Timeout` (seconds).
    /// An unparsable value is a 400, not silently ignored.
    static func requestedTimeout(_ headers: HTTPFields) throws(GatewayError) -> Duration? {
        if let value = headers[Self.grpcTimeout] {
            guard let timeout = GRPCTimeout.parse(value) else {
                throw GatewayError(
                    code: .invalidArgument,
                    message: "invalid grpc-timeout \"\(value)\": expected up to 8 digits and a unit (H, M, S, m, u, n)"
                )
            }
            return timeout
        }
        if let value = headers[Self.serverTimeout] {
            guard let timeout = GRPCTimeout.parseSeconds(value) else {
                throw GatewayError(
                    code: .invalidArgument,
                    message: "invalid X-Server-Timeout \"\(value)\": expected a number of seconds such as 2.5"
                )
            }
            return timeout
        }
        return nil
    }

    /// The media type of a `Content-Type` value, lower-cased, without parameters. In the usual case (already
    /// lower-case, no blanks) a slice of `contentType`, so that reading it allocates nothing.
    static func mediaType(_ contentType: String) -> Substring {
        var type = contentType.utf8[...]
        if let semicolon = type.firstIndex(of: UInt8(ascii: ";")) { type = type[..<semicolon] }
        func isBlankOrUpper(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || (0x41...0x5A).contains(byte) }
        guard type.contains(where: isBlankOrUpper) else { return Substring(type) }
        var folded: [UInt8] = []
        folded.reserveCapacity(type.count)
        for byte in type where byte != 0x20 && byte != 0x09 {
            folded.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        return Substring(String(decoding: folded, as: UTF8.self))
    }
}

/// Writes a backend's metadata into response headers under the policy's prefixes.
enum ResponseMetadata {
    static func add(_ metadata: HPACKHeaders?, prefix: String, policy: MetadataPolicy, to headers: inout HTTPFields) {
        guard let metadata else { return }
        for (name, value, _) in metadata where policy.returnsMetadata(name) && MetadataPolicy.isSafeValue(value) {
            guard let fieldName = HTTPField.Name(prefix + name) else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
    }
}
