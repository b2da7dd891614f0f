/// One frame of a gRPC-Web body: a length-prefixed message, or the trailer frame that ends a response.
///
/// On the wire every frame is `1 byte flags + 4 bytes big-endian length + payload`; flag `0x80` marks the trailer
/// frame and flag `0x01` a compressed message (compressed with the call's `grpc-encoding`).
public enum GRPCWebFrame: Hashable, Sendable {
    /// A message: its payload bytes (still compressed when `compressed` is true).
    case message([UInt8], compressed: Bool)
    /// The trailer frame: the call's status and trailing metadata, parsed from its header lines.
    case trailers(GRPCWebTrailers)
}

extension GRPCWebFrame {
    /// The size of the prefix before every frame's payload: the flags byte and the 4-byte length.
    public static let headerSize = 5

    /// The flag bit of the trailer frame.
    public static let trailersFlag: UInt8 = 0x80
    /// The flag bit of a compressed message.
    public static let compressedFlag: UInt8 = 0x01
}
