import NIOCore

/// Splits a gRPC message stream (5-byte prefix: 1 flag byte, 4-byte big-endian length; then the payload) into
/// payloads, whatever way the bytes are cut into HTTP/2 DATA frames.
///
/// Pure: no I/O. Feed bytes with ``append(_:)``, then call ``nextMessage()`` until it returns `nil`.
/// Payloads are slices of the appended buffers (no copy) unless a message spans several appends, in which case
/// its bytes are gathered into one buffer sized once from the declared length.
///
/// The declared length is checked against `maximumMessageSize` as soon as the 5-byte prefix is complete, before
/// any of the payload is buffered, so a peer cannot make us reserve memory by announcing a huge message.
struct GRPCMessageDeframer {
    /// Why a byte stream is not a valid gRPC message stream.
    struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            /// The declared length is larger than the limit.
            case messageTooLarge(declaredLength: Int, limit: Int)
            /// The compressed flag is set but no compression was negotiated.
            case compressedMessage
            /// The flag byte has bits other than the compressed bit.
            case invalidFlags(UInt8)
        }

        var kind: Kind

        var description: String {
            switch self.kind {
            case .messageTooLarge(let declaredLength, let limit):
                return "message of \(declaredLength) bytes exceeds the limit of \(limit) bytes"
            case .compressedMessage:
                return "message is compressed but no grpc-encoding was negotiated"
            case .invalidFlags(let flags):
                return "message prefix has invalid flags 0x\(String(flags, radix: 16))"
            }
        }
    }

    /// The size of the prefix in front of every message.
    static let prefixSize = 5

    /// The largest payload accepted, in bytes.
    let maximumMessageSize: Int

    /// Bytes received and not yet returned as messages.
    private var buffer: ByteBuffer

    /// Whether capacity for the message at the front of `buffer` has already been reserved.
    private var reservedForPendingMessage = false

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = max(0, maximumMessageSize)
        self.buffer = ByteBuffer()
    }

    /// The number of bytes held that do not yet form a complete message.
    var bufferedByteCount: Int { self.buffer.readableBytes }

    /// Adds received bytes.
    mutating func append(_ bytes: ByteBuffer) {
        if self.buffer.readableBytes == 0 {
            // The common case: take the frame's buffer as is, so messages become slices of it.
            self.buffer = bytes
            self.reservedForPendingMessage = false
        } else {
            var bytes = bytes
            self.buffer.writeBuffer(&bytes)
        }
    }

    /// Returns the next complete payload, or `nil` if more bytes are needed.
    mutating func nextMessage() throws(Error) -> ByteBuffer? {
        let start = self.buffer.readerIndex
        guard self.buffer.readableBytes >= Self.prefixSize,
            let flags = self.buffer.getInteger(at: start, as: UInt8.self),
            let declaredLength = self.buffer.getInteger(at: start + 1, as: UInt32.self)
        else {
            return nil
        }

        switch flags {
        case 0:
            break
        case 1:
            throw Error(kind: .compressedMessage)
        default:
            throw Error(kind: .invalidFlags(flags))
        }

        let length = Int(declaredLength)
        guard length <= self.maximumMessageSize else {
            throw Error(kind: .messageTooLarge(declaredLength: length, limit: self.maximumMessageSize))
        }

        let frameSize = Self.prefixSize + length
        guard self.buffer.readableBytes >= frameSize else {
            self.reserveForPendingMessage(frameSize: frameSize)
            return nil
        }

        self.buffer.moveReaderIndex(forwardBy: Self.prefixSize)
        let message = self.buffer.readSlice(length: length)
        self.reservedForPendingMessage = false
        return message
    }

    /// Moves a large partial message into one buffer sized for all of it, instead of doubling on every append.
    private mutating func reserveForPendingMessage(frameSize: Int) {
        guard !self.reservedForPendingMessage, frameSize > 16 * 1024 else { return }
        self.reservedForPendingMessage = true
        var gathered = ByteBufferAllocator().buffer(capacity: frameSize)
        gathered.writeBuffer(&self.buffer)
        self.buffer = gathered
    }
}
