/// Writes gRPC-Web frames: `1 byte flags + 4 bytes big-endian length + payload`.
public enum GRPCWebFrameEncoder {
    /// A message frame around `payload`. Throws `.tooLarge` when the payload does not fit the 4-byte length.
    public static func message(
        _ payload: UnsafeRawBufferPointer,
        compressed: Bool = false
    ) throws(TranscodingError) -> [UInt8] {
        guard let length = UInt32(exactly: payload.count) else {
            throw TranscodingError(.tooLarge, "a \(payload.count)-byte message does not fit a gRPC-Web frame")
        }
        return [UInt8](unsafeUninitializedCapacity: GRPCWebFrame.headerSize + payload.count) { output, count in
            let output = UnsafeMutableRawBufferPointer(output)
            self.writeHeader(flags: compressed ? GRPCWebFrame.compressedFlag : 0, length: length, into: output)
            if let source = payload.baseAddress, payload.count > 0 {
                output.baseAddress!.advanced(by: GRPCWebFrame.headerSize).copyMemory(
                    from: source,
                    byteCount: payload.count
                )
            }
            count = GRPCWebFrame.headerSize + payload.count
        }
    }

    /// A message frame around `payload`. Throws `.tooLarge` when the payload does not fit the 4-byte length.
    public static func message(_ payload: [UInt8], compressed: Bool = false) throws(TranscodingError) -> [UInt8] {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(TranscodingError) in try self.message(bytes, compressed: compressed) }
        }.get()
    }

    /// Writes the 5-byte frame prefix at the start of `output` (which must hold at least 5 bytes).
    public static func writeHeader(flags: UInt8, length: UInt32, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= GRPCWebFrame.headerSize, "a gRPC-Web frame header needs 5 bytes")
        output[0] = flags
        output.storeBytes(of: length.bigEndian, toByteOffset: 1, as: UInt32.self)
    }

    /// The trailer frame that ends a gRPC-Web response: `grpc-status`, then `grpc-message` (percent-encoded; left
    /// out when nil or empty), then `metadata` in order, one `name: value\r\n` line each, names lower-cased.
    ///
    /// Metadata that cannot be written safely is dropped rather than failing the response, whose body has already
    /// been sent by the time its trailers are known: a name that is not an HTTP token (empty, or holding a space,
    /// `:`, CR, LF, NUL...), a value holding a control character other than tab (CR, LF and NUL included, so no line
    /// can be injected), and `grpc-status` / `grpc-message`, which the arguments set. `-bin` values are written as
    /// given (base64, as they arrive over HTTP/2). In the absurd case that the frame would exceed 4 GiB, only the
    /// status is written.
    public static func trailers(
        status: Int,
        message: String?,
        metadata: [(name: String, value: String)] = []
    ) -> [UInt8] {
        var statusText = String(status)
        var message = message ?? ""
        return statusText.withUTF8 { status in
            message.withUTF8 { message in
                let message = UnsafeRawBufferPointer(message)
                var metadataSize = 0
                for field in metadata {
                    metadataSize += self.lineSize(field) ?? 0
                }
                let messageSize =
                    message.isEmpty
                    ? 0 : Self.grpcMessagePrefix.utf8CodeUnitCount + GRPCStatusMessage.encodedCount(message) + 2
                let statusSize = Self.grpcStatusPrefix.utf8CodeUnitCount + status.count + 2
                let fitsLength = statusSize + messageSize + metadataSize <= Int(UInt32.max)
                let payloadSize = fitsLength ? statusSize + messageSize + metadataSize : statusSize
                return [UInt8](unsafeUninitializedCapacity: GRPCWebFrame.headerSize + payloadSize) { output, count in
                    let output = UnsafeMutableRawBufferPointer(output)
                    self.writeHeader(flags: GRPCWebFrame.trailersFlag, length: UInt32(payloadSize), into: output)
                    var writer = LineWriter(output: output, position: GRPCWebFrame.headerSize)
                    writer.append(Self.grpcStatusPrefix)
                    writer.append(UnsafeRawBufferPointer(status))
                    writer.appendLineEnd()
                    if fitsLength {
                        if !message.isEmpty {
                            writer.append(Self.grpcMessagePrefix)
                            let written = GRPCStatusMessage.encode(message, into: writer.remaining)
                            writer.position += written
                            writer.appendLineEnd()
                        }
                        for field in metadata where self.lineSize(field) != nil {
                            writer.appendLine(field)
                        }
                    }
                    count = writer.position
                }
            }
        }
    }

    private static let grpcStatusPrefix: StaticString = "grpc-status: "
    private static let grpcMessagePrefix: StaticString = "grpc-message: "

    /// The size of the line `name: value\r\n`, or nil when the field is dropped (see `trailers`).
    private static func lineSize(_ field: (name: String, value: String)) -> Int? {
        let name = field.name.utf8
        guard !name.isEmpty, !name.contains(where: { !HTTPFieldSyntax.isTokenCharacter($0) }),
            !field.value.utf8.contains(where: { !HTTPFieldSyntax.isValueCharacter($0) }),
            !self.isName(name, "grpc-status"), !self.isName(name, "grpc-message")
        else { return nil }
        return name.count + 2 + field.value.utf8.count + 2
    }

    /// Whether `name` is `reserved` (lower-case), ignoring case.
    private static func isName(_ name: String.UTF8View, _ reserved: StaticString) -> Bool {
        guard name.count == reserved.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in name {
            guard HTTPFieldSyntax.lowercased(byte) == reserved.utf8Start[index] else { return false }
            index += 1
        }
        return true
    }

    /// Appends to a buffer sized beforehand.
    private struct LineWriter {
        let output: UnsafeMutableRawBufferPointer
        var position: Int

        var remaining: UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(rebasing: self.output[self.position...])
        }

        mutating func append(_ text: StaticString) {
            self.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            self.remaining.copyMemory(from: bytes)
            self.position += bytes.count
        }

        mutating func appendLineEnd() {
            self.output[self.position] = UInt8(ascii: "\r")
            self.output[self.position + 1] = UInt8(ascii: "\n")
            self.position += 2
        }

        mutating func appendLine(_ field: (name: String, value: String)) {
            for byte in field.name.utf8 {
                self.output[self.position] = HTTPFieldSyntax.lowercased(byte)
                self.position += 1
            }
            self.output[self.position] = UInt8(ascii: ":")
            self.output[self.position + 1] = UInt8(ascii: " ")
            self.position += 2
            for byte in field.value.utf8 {
                self.output[self.position] = byte
                self.position += 1
            }
            self.appendLineEnd()
        }
    }
}
