import Transcoding

/// How a server-streaming response is written to a REST client, chosen by the `Accept` header.
///
/// In every format an error after the first message is delivered in the body, so an HTTP/1.1 client
/// (which never sees trailers) still learns that the stream failed:
/// - `array` (default, `application/json`): `[{...},{...},{"error":{"code":..,"message":..,"details":[..]}}]`;
/// - `ndjson` (`application/x-ndjson`): one message per line, then `{"error":{...}}` on the last line;
/// - `serverSentEvents` (`text/event-stream`): `data: {...}` events, then `event: error` with the status.
enum StreamFormat: Sendable {
    case array
    case ndjson
    case serverSentEvents

    init(accept: String?) {
        guard let accept = accept?.lowercased() else {
            self = .array
            return
        }
        if accept.contains("text/event-stream") {
            self = .serverSentEvents
        } else if accept.contains("application/x-ndjson") || accept.contains("application/jsonl") {
            self = .ndjson
        } else {
            self = .array
        }
    }

    var contentType: String {
        switch self {
        case .array: "application/json"
        case .ndjson: "application/x-ndjson"
        case .serverSentEvents: "text/event-stream"
        }
    }

    /// Bytes before the first message.
    var opening: [UInt8] {
        switch self {
        case .array: [UInt8(ascii: "[")]
        case .ndjson, .serverSentEvents: []
        }
    }

    /// Appends one message (`index` counting from 0) to `output`, framed for this format.
    /// The message's JSON is written by `writeJSON`, straight into `output` where the format allows; if it throws,
    /// `output` is left as it was.
    func appendMessage(
        index: Int, to output: inout [UInt8], writeJSON: (inout [UInt8]) throws(TranscodingError) -> Void
    ) throws(TranscodingError) {
        let start = output.count
        do throws(TranscodingError) {
            switch self {
            case .array:
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try writeJSON(&output)
            case .ndjson:
                try writeJSON(&output)
                output.append(UInt8(ascii: "\n"))
            case .serverSentEvents:
                var json: [UInt8] = []  // (its lines each get a `data:` prefix)
                try writeJSON(&json)
                Self.appendEvent(json, to: &output)
            }
        } catch {
            output.removeSubrange(start...)
            throw error
        }
    }

    /// An SSE `data:` event; a multi-line (indented) JSON text gets one `data:` line per line.
    private static func appendEvent(_ json: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: "data: ".utf8)
        if json.contains(UInt8(ascii: "\n")) {
            for byte in json {
                output.append(byte)
                if byte == UInt8(ascii: "\n") { output.append(contentsOf: "data: ".utf8) }
            }
        } else {
            output.append(contentsOf: json)
        }
        output.append(contentsOf: "\n\n".utf8)
    }

    /// Bytes that end a stream that completed normally.
    var closing: [UInt8] {
        switch self {
        case .array: [UInt8(ascii: "]")]
        case .ndjson, .serverSentEvents: []
        }
    }

    /// Bytes that end a stream with an error (`status` is the `google.rpc.Status` JSON), after `count` messages.
    func error(_ status: [UInt8], afterMessages count: Int) -> [UInt8] {
        let wrapped = Array(#"{"error":"#.utf8) + status + [UInt8(ascii: "}")]
        switch self {
        case .array:
            return (count == 0 ? [] : [UInt8(ascii: ",")]) + wrapped + [UInt8(ascii: "]")]
        case .ndjson:
            return wrapped + [UInt8(ascii: "\n")]
        case .serverSentEvents:
            var event = Array("event: error\n".utf8)
            Self.appendEvent(status, to: &event)
            return event
        }
    }
}
