import NIOCore
import NIOHPACK
import NIOHTTP2
import Testing

@testable import Gateway

@Suite("UpstreamStream.StateMachine")
struct UpstreamStreamStateMachineTests {
    typealias Machine = UpstreamStream.StateMachine

    static let responseHeaders: HPACKHeaders = [":status": "200", "content-type": "application/grpc", "x-a": "1"]
    static let okTrailers: HPACKHeaders = ["grpc-status": "0", "x-t": "2"]

    /// What feeding a sequence of inputs produced.
    struct Outcome {
        var initialMetadata: [HPACKHeaders] = []
        var messages: [[UInt8]] = []
        var completions: [Machine.Completion] = []
    }

    /// Feeds DATA bytes one byte per frame (or all at once), reading messages after each frame.
    static func feed(
        _ machine: inout Machine,
        data: [UInt8],
        chunkSize: Int = 1,
        endStream: Bool = false,
        into outcome: inout Outcome
    ) {
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, data.count)
            let isLast = end == data.count
            switch machine.receivedData(ByteBuffer(bytes: data[offset..<end]), endStream: endStream && isLast) {
            case .readMessages:
                read: while true {
                    switch machine.nextMessage() {
                    case .deliver(let message): outcome.messages.append(Array(message.readableBytesView))
                    case .needMoreData: break read
                    case .finish(let completion):
                        outcome.completions.append(completion)
                        break read
                    }
                }
            case .ignore:
                break
            case .finish(let completion):
                outcome.completions.append(completion)
            }
            offset = end
        } while offset < data.count
    }

    static func headers(_ machine: inout Machine, _ headers: HPACKHeaders, endStream: Bool, into outcome: inout Outcome)
    {
        switch machine.receivedHeaders(headers, endStream: endStream) {
        case .deliverInitialMetadata(let metadata): outcome.initialMetadata.append(metadata)
        case .ignore: break
        case .finish(let completion): outcome.completions.append(completion)
        }
    }

    static func framed(_ payloads: [[UInt8]]) -> [UInt8] {
        UpstreamMessageDeframerTests.framed(payloads)
    }

    @Test("unary call drip-fed one byte per DATA frame", arguments: [1, 2, 5, 1000])
    func unaryDripFed(chunkSize: Int) throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: true)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: Self.framed([Array(0..<40)]), chunkSize: chunkSize, into: &outcome)
        #expect(outcome.completions.isEmpty)
        Self.headers(&machine, Self.okTrailers, endStream: true, into: &outcome)

        #expect(outcome.initialMetadata == [Self.responseHeaders])
        #expect(outcome.messages == [Array(0..<40)])
        let completion = try #require(outcome.completions.first)
        #expect(outcome.completions.count == 1)
        #expect(completion.status.code == .ok)
        #expect(completion.status.origin == .upstream)
        #expect(completion.status.trailers == Self.okTrailers)
        #expect(!completion.resetStream)
        #expect(machine.isFinished)
    }

    @Test("server streaming: many messages across and within frames", arguments: [1, 3, 7, 4096])
    func streaming(chunkSize: Int) {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        let payloads = (0..<20).map { Array(repeating: UInt8($0), count: $0 * 3) }
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: Self.framed(payloads), chunkSize: chunkSize, into: &outcome)
        Self.headers(&machine, Self.okTrailers, endStream: true, into: &outcome)
        #expect(outcome.messages == payloads)
        #expect(outcome.completions.map(\.status.code) == [.ok])
    }

    @Test("trailers-only response carries the status, decoded message and details")
    func trailersOnly() throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: true)
        var outcome = Outcome()
        let block: HPACKHeaders = [
            ":status": "200", "content-type": "application/grpc", "grpc-status": "5",
            "grpc-message": "no such %E2%9C%93 thing%", "grpc-status-details-bin": "AQID",
        ]
        Self.headers(&machine, block, endStream: true, into: &outcome)
        #expect(outcome.initialMetadata.isEmpty)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .notFound)
        #expect(completion.status.message == "no such ✓ thing%")
        #expect(completion.status.details == [1, 2, 3])
        #expect(!completion.status.trailers.contains(name: ":status"))
        #expect(completion.status.trailers.first(name: "grpc-status") == "5")
        #expect(!completion.resetStream)
    }

    @Test(
        "non-200 HTTP status maps per the gRPC spec",
        arguments: [
            (400, UpstreamStatus.Code.internal), (401, .unauthenticated), (403, .permissionDenied),
            (404, .unimplemented), (429, .unavailable), (502, .unavailable), (503, .unavailable),
            (504, .unavailable), (500, .unknown), (418, .unknown),
        ]
    )
    func httpStatusMapping(httpStatus: Int, expected: UpstreamStatus.Code) throws {
        for endStream in [true, false] {
            var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
            var outcome = Outcome()
            Self.headers(
                &machine,
                [":status": "\(httpStatus)", "content-type": "text/plain"],
                endStream: endStream,
                into: &outcome
            )
            let completion = try #require(outcome.completions.first)
            #expect(completion.status.code == expected)
            #expect(completion.status.message.contains("HTTP status \(httpStatus)"))
            #expect(completion.resetStream == !endStream)
        }
    }

    @Test("an informational 1xx response is skipped")
    func informational() {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, [":status": "100"], endStream: false, into: &outcome)
        #expect(outcome.completions.isEmpty && outcome.initialMetadata.isEmpty)
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        #expect(outcome.initialMetadata.count == 1)
    }

    @Test(
        "content-type must be gRPC",
        arguments: [
            ("application/grpc", true), ("application/grpc+proto", true), ("application/grpc;charset=utf-8", true),
            ("Application/GRPC", true), ("application/grpcx", false), ("text/html", false), ("application/grp", false),
            (nil, false),
        ] as [(String?, Bool)]
    )
    func contentType(contentType: String?, accepted: Bool) throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        var headers: HPACKHeaders = [":status": "200"]
        if let contentType { headers.add(name: "content-type", value: contentType) }
        Self.headers(&machine, headers, endStream: false, into: &outcome)
        if accepted {
            #expect(outcome.initialMetadata.count == 1)
        } else {
            let completion = try #require(outcome.completions.first)
            #expect(completion.status.code == .unknown)
            #expect(completion.resetStream)
        }
    }

    @Test(
        "invalid response headers and trailers",
        arguments: [
            ([:], UpstreamStatus.Code.internal, "no :status"),
            ([":status": "abc"], .internal, "invalid :status"),
        ] as [(HPACKHeaders, UpstreamStatus.Code, String)]
    )
    func invalidHeaders(headers: HPACKHeaders, code: UpstreamStatus.Code, fragment: String) throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, headers, endStream: false, into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == code)
        #expect(completion.status.message.contains(fragment))
        #expect(completion.status.origin == .local)
    }

    @Test(
        "grpc-status values",
        arguments: [
            ("0", UpstreamStatus.Code.ok), ("16", .unauthenticated), ("14", .unavailable), ("17", .unknown),
            ("99", .unknown), ("abc", .unknown), ("", .unknown), ("007", .unknown), ("-1", .unknown),
        ]
    )
    func grpcStatusValues(value: String, expected: UpstreamStatus.Code) throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.headers(&machine, ["grpc-status": value], endStream: true, into: &outcome)
        #expect(outcome.completions.map(\.status.code) == [expected])
    }

    @Test("trailers without grpc-status are UNKNOWN")
    func missingGRPCStatus() throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.headers(&machine, ["x-other": "1"], endStream: true, into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .unknown)
        #expect(completion.status.message.contains("no grpc-status"))
    }

    @Test("DATA before response headers is a protocol error")
    func dataBeforeHeaders() throws {
        var machine = Machine(maximumMessageSize: 1024, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.feed(&machine, data: Self.framed([[1]]), chunkSize: 100, into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .internal)
        #expect(completion.resetStream)
    }

    @Test("a message above the limit ends the call with RESOURCE_EXHAUSTED before its payload arrives")
    func tooLarge() throws {
        var machine = Machine(maximumMessageSize: 10, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: [0, 0, 0, 0, 11], into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .resourceExhausted)
        #expect(completion.status.message.contains("11 bytes exceeds the limit of 10"))
        #expect(completion.resetStream)
        // Later frames are ignored.
        Self.feed(&machine, data: Array(repeating: 0, count: 11), chunkSize: 11, into: &outcome)
        #expect(outcome.completions.count == 1 && outcome.messages.isEmpty)
    }

    @Test("a compressed message is rejected")
    func compressed() throws {
        var machine = Machine(maximumMessageSize: 10, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: UpstreamMessageDeframerTests.framed([[1]], flags: 1), into: &outcome)
        #expect(outcome.completions.map(\.status.code) == [.internal])
    }

    @Test("unary: a second message is an error")
    func unaryTwoMessages() throws {
        var machine = Machine(maximumMessageSize: 10, expectsSingleMessage: true)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: Self.framed([[1], [2]]), into: &outcome)
        #expect(outcome.messages == [[1]])
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .internal)
        #expect(completion.resetStream)
    }

    @Test("unary: OK without a message is an error, an error status without one is not")
    func unaryNoMessage() {
        for (status, expected) in [("0", UpstreamStatus.Code.internal), ("3", .invalidArgument)] {
            var machine = Machine(maximumMessageSize: 10, expectsSingleMessage: true)
            var outcome = Outcome()
            Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
            Self.headers(&machine, ["grpc-status": status], endStream: true, into: &outcome)
            #expect(outcome.completions.map(\.status.code) == [expected])
        }
    }

    @Test("trailers after a partial message are an error")
    func trailersAfterPartialMessage() throws {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: Array(Self.framed([[1, 2, 3]]).dropLast()), into: &outcome)
        Self.headers(&machine, Self.okTrailers, endStream: true, into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .internal)
        #expect(completion.status.message.contains("incomplete message"))
    }

    @Test("END_STREAM on DATA without trailers is an error, after the complete messages")
    func endStreamWithoutTrailers() throws {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.feed(&machine, data: Self.framed([[1], [2]]), chunkSize: 100, endStream: true, into: &outcome)
        #expect(outcome.messages == [[1], [2]])
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .internal)
        #expect(completion.status.message.contains("without trailers"))
        #expect(!completion.resetStream)
    }

    @Test("a second header block that does not end the stream is an error")
    func secondHeaderBlock() throws {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        let completion = try #require(outcome.completions.first)
        #expect(completion.status.code == .internal)
        #expect(completion.resetStream)
    }

    @Test(
        "RST_STREAM from the upstream maps per the gRPC spec",
        arguments: [
            (HTTP2ErrorCode.refusedStream, UpstreamStatus.Code.unavailable), (.cancel, .cancelled),
            (.enhanceYourCalm, .resourceExhausted), (.inadequateSecurity, .permissionDenied),
            (.protocolError, .internal), (.noError, .internal),
        ]
    )
    func reset(code: HTTP2ErrorCode, expected: UpstreamStatus.Code) throws {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        var outcome = Outcome()
        Self.headers(&machine, Self.responseHeaders, endStream: false, into: &outcome)
        let first = machine.receivedReset(code)
        let completion = try #require(first)
        #expect(completion.status.code == expected)
        #expect(!completion.resetStream)
        let second = machine.receivedReset(code)
        #expect(second == nil)
    }

    @Test("local failures complete once; later events are ignored")
    func localFailureOnce() {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        let deadline = UpstreamStatus(code: .deadlineExceeded, message: "late")
        let first = machine.fail(with: deadline, resetStream: true)
        #expect(first == .init(status: deadline, resetStream: true))
        let cancelled = machine.fail(with: UpstreamStatus(code: .cancelled), resetStream: true)
        #expect(cancelled == nil)
        let closed = machine.streamClosed(reason: nil)
        #expect(closed == nil)
        let headers = machine.receivedHeaders(Self.okTrailers, endStream: true)
        #expect(headers == .ignore)
        let data = machine.receivedData(ByteBuffer(bytes: [0, 0, 0, 0, 0]), endStream: true)
        #expect(data == .ignore)
        let message = machine.nextMessage()
        #expect(message == .needMoreData)
    }

    @Test("the stream closing without trailers is UNAVAILABLE")
    func streamClosed() {
        var machine = Machine(maximumMessageSize: 100, expectsSingleMessage: false)
        let completion = machine.streamClosed(reason: nil)
        #expect(completion?.status.code == .unavailable)
    }
}
