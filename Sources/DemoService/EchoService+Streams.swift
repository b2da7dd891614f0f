public import GRPCCore
import SwiftProtobuf

extension EchoService {
    /// The most responses Expand sends.
    public static let maxExpandCount = 10_000
    /// The largest Expand `pad_to`.
    public static let maxExpandPadding = 1 << 20
    /// The longest Expand `interval`.
    public static let maxExpandInterval = Duration.seconds(10)
    /// The most requests Collect accepts in one call.
    public static let maxCollectCount = 100_000

    public func expand(
        request: ServerRequest<Echo_V1_ExpandRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Echo_V1_EchoResponse> {
        let input = request.message
        guard input.count >= 0, input.count <= Self.maxExpandCount else {
            throw RichStatus.invalidArgument(field: "count", "count must be between 0 and \(Self.maxExpandCount)")
        }
        guard input.padTo >= 0, input.padTo <= Self.maxExpandPadding else {
            throw RichStatus.invalidArgument(field: "pad_to", "pad_to must be between 0 and \(Self.maxExpandPadding)")
        }
        let count = Int(input.count)
        let interval: Duration =
            input.hasInterval ? try input.interval.validated(field: "interval", limit: Self.maxExpandInterval) : .zero
        guard !input.hasFailAfter || input.failAfter >= 0 else {
            throw RichStatus.invalidArgument(field: "fail_after", "fail_after must not be negative")
        }
        let failure: RPCError? =
            input.hasFailAfter
            ? RichStatus.error(
                code: RichStatus.rpcErrorCode(input.failCode) ?? .aborted,
                message: input.failMessage.isEmpty
                    ? "Expand failed after \(input.failAfter) messages" : input.failMessage,
                details: [Self.errorInfo(reason: "EXPAND_FAIL_AFTER", metadata: ["fail_after": "\(input.failAfter)"])]
            ) : nil
        let sendCount = input.hasFailAfter ? min(Int(input.failAfter), count) : count
        let metadata = request.metadata

        return StreamingServerResponse { writer in
            try await self.observingCancellation("Expand", metadata, context) {
                var response = Echo_V1_EchoResponse()
                response.message = input.message
                let padding = Int(input.padTo) - response.message.utf8.count
                if padding > 0 { response.message += String(repeating: ".", count: padding) }
                for index in 0..<sendCount {
                    if index > 0 {
                        try await context.sleepOrThrow(for: interval)
                    }
                    response.index = Int32(index)
                    try await writer.write(response)
                }
            }
            if let failure { throw failure }
            return [:]
        }
    }

    public func collect(
        request: StreamingServerRequest<Echo_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_CollectResponse> {
        var response = Echo_V1_CollectResponse()
        try await self.observingCancellation("Collect", request.metadata, context) {
            for try await message in request.messages {
                guard response.messages.count < Self.maxCollectCount else {
                    throw RPCError(
                        code: .resourceExhausted, message: "Collect takes at most \(Self.maxCollectCount) messages")
                }
                response.messages.append(message.message)
            }
        }
        response.count = Int32(response.messages.count)
        return ServerResponse(message: response)
    }

    public func chat(
        request: StreamingServerRequest<Echo_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Echo_V1_EchoResponse> {
        StreamingServerResponse { writer in
            try await self.observingCancellation("Chat", request.metadata, context) {
                var index: Int32 = 0
                for try await message in request.messages {
                    var response = Echo_V1_EchoResponse()
                    response.message = message.message
                    response.request = message
                    if index == 0 {
                        response.metadata = request.metadata.flattened
                    }
                    response.index = index
                    index &+= 1
                    try await writer.write(response)
                }
            }
            return [:]
        }
    }

    /// A `google.rpc.ErrorInfo` from this service's domain.
    static func errorInfo(reason: String, metadata: [String: String] = [:]) -> Google_Rpc_ErrorInfo {
        var info = Google_Rpc_ErrorInfo()
        info.reason = reason
        info.domain = "echo.v1.EchoService"
        info.metadata = metadata
        return info
    }
}
