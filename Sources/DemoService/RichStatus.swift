public import GRPCCore
public import SwiftProtobuf

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds `RPCError`s that carry a `google.rpc.Status` with error details in `grpc-status-details-bin`,
/// the way Google APIs report rich errors.
public enum RichStatus {
    /// The trailer that carries the serialized `google.rpc.Status`.
    public static let detailsMetadataKey = "grpc-status-details-bin"

    /// An error with `code` and `message`, and `details` packed as `google.protobuf.Any`s in the status.
    ///
    /// The details are also sent as `Any`s already packed, so callers can include types that only exist on
    /// the wire (see ``RichStatus/opaqueDetail(typeName:value:)``).
    public static func error(
        code: RPCError.Code,
        message: String,
        details: [any SwiftProtobuf.Message] = [],
        packedDetails: [Google_Protobuf_Any] = []
    ) -> RPCError {
        var status = Google_Rpc_Status()
        status.code = Int32(code.rawValue)
        status.message = message
        // Packing only fails for messages missing required fields, which proto3 types cannot have.
        status.details = details.compactMap { try? Google_Protobuf_Any(message: $0) } + packedDetails
        var metadata = Metadata()
        if let bytes: [UInt8] = try? status.serializedBytes() {
            metadata.addBinary(bytes, forKey: detailsMetadataKey)
        }
        return RPCError(code: code, message: message, metadata: metadata)
    }

    /// An `Any` of a type no descriptor set describes: `typeName` with raw protobuf `value` bytes.
    public static func opaqueDetail(typeName: String, value: [UInt8]) -> Google_Protobuf_Any {
        var any = Google_Protobuf_Any()
        any.typeURL = "type.googleapis.com/" + typeName
        any.value = Data(value)
        return any
    }

    /// A `google.rpc.BadRequest` naming one invalid field.
    public static func badRequest(field: String, description: String) -> Google_Rpc_BadRequest {
        var violation = Google_Rpc_BadRequest.FieldViolation()
        violation.field = field
        violation.description_p = description
        var badRequest = Google_Rpc_BadRequest()
        badRequest.fieldViolations = [violation]
        return badRequest
    }

    /// An `INVALID_ARGUMENT` error whose `google.rpc.BadRequest` names the offending field.
    public static func invalidArgument(field: String, _ description: String) -> RPCError {
        error(
            code: .invalidArgument, message: description, details: [badRequest(field: field, description: description)])
    }

    /// The `RPCError.Code` for a `google.rpc.Code`, or `nil` for `OK` and unknown numbers.
    public static func rpcErrorCode(_ code: Google_Rpc_Code) -> RPCError.Code? {
        Status.Code(rawValue: code.rawValue).flatMap { RPCError.Code($0) }
    }
}
