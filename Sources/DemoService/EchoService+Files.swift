public import GRPCCore
import SwiftProtobuf

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension EchoService {
    /// The longest file name Upload accepts.
    public static let maxFileNameLength = 255

    public func download(
        request: ServerRequest<Echo_V1_DownloadRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Google_Api_HttpBody> {
        let name = request.message.name
        guard let file = self.files.file(named: name) else {
            throw RichStatus.error(
                code: .notFound,
                message: "no file is named \"\(name)\"",
                details: [Self.errorInfo(reason: "FILE_NOT_FOUND", metadata: ["name": name])]
            )
        }
        var body = Google_Api_HttpBody()
        body.contentType = file.contentType.isEmpty ? EchoFileStore.contentType(forName: name) : file.contentType
        body.data = Data(file.data)
        return ServerResponse(message: body)
    }

    public func upload(
        request: ServerRequest<Echo_V1_UploadRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_UploadResponse> {
        let input = request.message
        guard !input.name.isEmpty, input.name.utf8.count <= Self.maxFileNameLength, !input.name.contains("/") else {
            throw RichStatus.invalidArgument(
                field: "name",
                "name must be 1 to \(Self.maxFileNameLength) bytes without \"/\""
            )
        }
        let file = EchoFileStore.File(data: [UInt8](input.file.data), contentType: input.file.contentType)
        guard self.files.store(file, as: input.name) else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "the file store is full (\(EchoFileStore.maxFileCount) files, \(EchoFileStore.maxTotalSize) bytes)"
            )
        }
        var response = Echo_V1_UploadResponse()
        response.name = input.name
        response.size = Int64(file.data.count)
        response.contentType = input.file.contentType
        return ServerResponse(message: response)
    }
}
