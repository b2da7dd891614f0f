public import GRPCCore
import SwiftProtobuf

/// The `echo.v1.EchoService` implementation: the tests' and benchmarks' backend.
///
/// Every limit it enforces answers `INVALID_ARGUMENT` with a `google.rpc.BadRequest` naming the field.
/// Calls that wait (Echo's `delay`, Expand's `interval`, Sleep) stop as soon as the RPC is cancelled, and
/// ``events`` records it.
public struct EchoService: Echo_V1_EchoService.ServiceProtocol {
    /// What happened to Sleep calls and cancelled calls.
    public let events: EchoEventLog
    /// The files behind Download and Upload.
    public let files: EchoFileStore

    /// The longest `EchoRequest.delay`.
    public static let maxDelay = Duration.seconds(60)
    /// The most times `EchoRequest.repeat` may repeat the message.
    public static let maxRepeat = 1000
    /// The longest `SleepRequest.duration`.
    public static let maxSleep = Duration.seconds(3600)

    public init(events: EchoEventLog = EchoEventLog(), files: EchoFileStore = EchoFileStore()) {
        self.events = events
        self.files = files
    }

    public func echo(
        request: ServerRequest<Echo_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_EchoResponse> {
        let input = request.message
        guard input.repeat >= 0, input.repeat <= Self.maxRepeat else {
            throw RichStatus.invalidArgument(field: "repeat", "repeat must be between 0 and \(Self.maxRepeat)")
        }
        if input.hasDelay {
            let delay = try input.delay.validated(field: "delay", limit: Self.maxDelay)
            try await self.observingCancellation("Echo", request.metadata, context) {
                try await context.sleepOrThrow(for: delay)
            }
        }
        var response = Echo_V1_EchoResponse()
        response.message = Array(repeating: input.message, count: max(1, Int(input.repeat))).joined(separator: " ")
        response.request = input
        response.metadata = request.metadata.flattened
        return ServerResponse(message: response)
    }

    public func sleep(
        request: ServerRequest<Echo_V1_SleepRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_SleepResponse> {
        let duration = try request.message.duration.validated(field: "duration", limit: Self.maxSleep)
        let deadline = request.metadata.grpcTimeout
        self.events.record(.sleepStarted(deadline: deadline), method: "Sleep")
        let clock = ContinuousClock()
        let start = clock.now
        try await self.observingCancellation("Sleep", request.metadata, context) {
            try await context.sleepOrThrow(for: duration)
        }
        self.events.record(.sleepFinished, method: "Sleep")
        var response = Echo_V1_SleepResponse()
        response.deadlineSet = deadline != nil
        if let deadline {
            response.deadlineRemaining = Google_Protobuf_Duration(clamping: deadline)
        }
        response.slept = Google_Protobuf_Duration(clamping: clock.now - start)
        return ServerResponse(message: response)
    }

    public func headers(
        request: ServerRequest<Echo_V1_HeadersRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_HeadersResponse> {
        var response = Echo_V1_HeadersResponse()
        response.metadata = request.metadata.flattened
        var initial = Metadata()
        initial.addString("yes", forKey: "x-demo-initial")
        initial.addBinary(Self.binaryMetadataValue, forKey: "x-demo-initial-bin")
        var trailing = Metadata()
        trailing.addString("yes", forKey: "x-demo-trailing")
        trailing.addBinary(Self.binaryMetadataValue, forKey: "x-demo-trailing-bin")
        return ServerResponse(message: response, metadata: initial, trailingMetadata: trailing)
    }

    /// The value of the `-bin` metadata Headers sets: bytes that are not valid UTF-8, so only base64 carries them.
    public static let binaryMetadataValue: [UInt8] = [0x00, 0x01, 0xFE, 0xFF]

    /// Runs `body`; if it fails because the RPC or task was cancelled, records that and answers
    /// DEADLINE_EXCEEDED when the call had a deadline, else CANCELLED.
    func observingCancellation<Result>(
        _ method: String,
        _ metadata: Metadata,
        _ context: ServerContext,
        _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch {
            guard context.cancellation.isCancelled || Task.isCancelled || error is CancellationError else {
                throw error
            }
            self.events.record(.cancelled, method: method)
            if metadata.grpcTimeout != nil {
                throw RPCError(code: .deadlineExceeded, message: "\(method) ran out of time")
            }
            throw RPCError(code: .cancelled, message: "\(method) was cancelled")
        }
    }
}

extension ServerContext {
    /// Sleeps for `duration`, or throws `CancellationError` if the RPC or task is cancelled first.
    func sleepOrThrow(for duration: Duration) async throws {
        guard await self.sleepUnlessCancelled(for: duration) else { throw CancellationError() }
    }
}
