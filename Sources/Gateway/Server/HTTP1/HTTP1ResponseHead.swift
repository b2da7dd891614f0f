import HTTPTypes
import NIOCore

/// Writes an HTTP/1.1 response head (status line and header fields) as bytes, for answers written straight to
/// the socket. `HTTPFields` has already made every name and value safe to write (no CR, LF or NUL).
enum HTTP1ResponseHead {
    /// - Parameters:
    ///   - headers: the answer's own fields.
    ///   - framing: the length and date, written after them (the fast paths leave these out of `headers`, where
    ///     setting each one searched and copied the fields).
    static func write(
        status: HTTPResponse.Status, headers: HTTPFields, framing: FramingFields? = nil, into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in headers {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        if let framing {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(framing.contentLength))
            buffer.writeStaticString("\r\nDate: ")
            buffer.writeString(framing.date)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }
}
