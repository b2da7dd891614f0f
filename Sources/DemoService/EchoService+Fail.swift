public import GRPCCore
public import SwiftProtobuf

extension EchoService {
    /// The type name of the detail `include_unknown_detail` adds; no descriptor set describes it.
    public static let unknownDetailTypeName = "demo.hidden.v1.Secret"

    public func fail(
        request: ServerRequest<Echo_V1_FailRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Google_Protobuf_Empty> {
        let input = request.message
        guard let code = RichStatus.rpcErrorCode(input.code) else {
            if input.code == .ok {
                return ServerResponse(message: Google_Protobuf_Empty())
            }
            throw RichStatus.invalidArgument(field: "code", "code \(input.code.rawValue) is not a gRPC status code")
        }
        let message = input.message.isEmpty ? "Fail failed as requested" : input.message
        if input.omitDetails {
            throw RPCError(code: code, message: message)
        }

        var details: [any SwiftProtobuf.Message] = []
        if !input.invalidFields.isEmpty {
            var badRequest = Google_Rpc_BadRequest()
            badRequest.fieldViolations = input.invalidFields.map { field in
                var violation = Google_Rpc_BadRequest.FieldViolation()
                violation.field = field
                violation.description_p = "\(field) is invalid"
                return violation
            }
            details.append(badRequest)
        }
        details.append(
            Self.errorInfo(
                reason: input.reason.isEmpty ? "DEMO_FAILURE" : input.reason,
                metadata: ["code": "\(input.code.rawValue)"]
            )
        )
        if input.hasRetryDelay {
            var retryInfo = Google_Rpc_RetryInfo()
            retryInfo.retryDelay = input.retryDelay
            details.append(retryInfo)
        }
        var packed: [Google_Protobuf_Any] = []
        if input.includeUnknownDetail {
            // Field 1, length-delimited: the string "only the backend knows this type".
            let secret = Array("only the backend knows this type".utf8)
            packed.append(
                RichStatus.opaqueDetail(
                    typeName: Self.unknownDetailTypeName, value: [0x0A, UInt8(secret.count)] + secret))
        }
        throw RichStatus.error(code: code, message: message, details: details, packedDetails: packed)
    }
}
