import DemoService
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Testing

/// Runs `body` with a fresh demo backend on a loopback port and gRPC clients for both of its services.
func withDemoClients<Result: Sendable>(
    _ body: (
        _ backend: DemoBackend,
        _ echo: Echo_V1_EchoService.Client<HTTP2ClientTransport.Posix>,
        _ library: Library_V1_LibraryService.Client<HTTP2ClientTransport.Posix>
    ) async throws -> Result
) async throws -> Result {
    let backend = DemoBackend()
    return try await backend.withRunningServer { address in
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: address.host, port: address.port),
            transportSecurity: .plaintext
        )
        return try await withGRPCClient(transport: transport) { client in
            try await body(
                backend,
                Echo_V1_EchoService.Client(wrapping: client),
                Library_V1_LibraryService.Client(wrapping: client)
            )
        }
    }
}

extension RPCError {
    /// The `google.rpc.Status` the server sent in `grpc-status-details-bin`, if any.
    var richStatus: Google_Rpc_Status? {
        for bytes in self.metadata[binaryValues: RichStatus.detailsMetadataKey] {
            return try? Google_Rpc_Status(serializedBytes: bytes)
        }
        return nil
    }

    /// The message names of the status details, e.g. "google.rpc.BadRequest".
    var detailTypeNames: [String] {
        (self.richStatus?.details ?? []).map { String($0.typeURL.split(separator: "/").last ?? "") }
    }
}

/// Runs `body`, which must fail with an `RPCError`, and returns that error.
func expectRPCError(
    _ body: () async throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected an RPCError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        return error
    } catch {
        Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
