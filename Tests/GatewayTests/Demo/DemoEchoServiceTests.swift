import DemoService
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Synchronization
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite("Demo EchoService over loopback gRPC")
struct DemoEchoServiceTests {
    @Test("Echo repeats the message, returns the request and the metadata it received")
    func echoUnary() async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_EchoRequest()
            request.message = "hi"
            request.repeat = 3
            request.bigNumber = 1 << 53 + 1
            request.labels = ["a": "b"]
            request.mood = .curious
            request.note = ""
            var metadata = Metadata()
            metadata.addString("yes", forKey: "x-test")
            metadata.addBinary([0xFF, 0x00], forKey: "x-raw-bin")
            let response = try await echo.echo(request, metadata: metadata)
            #expect(response.message == "hi hi hi")
            #expect(response.request == request)
            #expect(response.request.hasNote)
            #expect(response.metadata["x-test"] == "yes")
            #expect(response.metadata["x-raw-bin"] == "/wA=")
            #expect(response.metadata[":path"] == "/echo.v1.EchoService/Echo")
        }
    }

    @Test("Echo rejects a repeat count out of range with a BadRequest naming the field", arguments: [-1, 1001])
    func echoRejectsRepeat(repeatCount: Int32) async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_EchoRequest()
            request.repeat = repeatCount
            let error = await expectRPCError { _ = try await echo.echo(request) }
            #expect(error?.code == .invalidArgument)
            let details = try #require(error?.richStatus?.details)
            let badRequest = try Google_Rpc_BadRequest(unpackingAny: try #require(details.first))
            #expect(badRequest.fieldViolations.map(\.field) == ["repeat"])
        }
    }

    @Test("Expand streams count messages, none when count is 0", arguments: [(Int32(0), 0), (Int32(5), 5)])
    func expand(count: Int32, expected: Int) async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_ExpandRequest()
            request.message = "tick"
            request.count = count
            let responses = try await echo.expand(request) { response in
                try await response.messages.reduce(into: [Echo_V1_EchoResponse]()) { $0.append($1) }
            }
            #expect(responses.map(\.index) == (0..<Int32(expected)).map { $0 })
            #expect(responses.allSatisfy { $0.message == "tick" })
        }
    }

    @Test("Expand with fail_after sends that many messages, then fails with the requested code")
    func expandFailAfter() async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_ExpandRequest()
            request.count = 5
            request.failAfter = 2
            request.failCode = .notFound
            request.failMessage = "gone"
            let received = Mutex<[Int32]>([])
            let error = await expectRPCError {
                try await echo.expand(request) { response in
                    for try await message in response.messages {
                        received.withLock { $0.append(message.index) }
                    }
                }
            }
            #expect(received.withLock { $0 } == [0, 1])
            #expect(error?.code == .notFound)
            #expect(error?.message == "gone")
            #expect(error?.detailTypeNames == ["google.rpc.ErrorInfo"])
        }
    }

    @Test(
        "Fail returns the requested code with BadRequest, ErrorInfo, RetryInfo and an unknown detail",
        arguments: [Google_Rpc_Code.invalidArgument, .permissionDenied, .unavailable, .internal]
    )
    func failWithDetails(code: Google_Rpc_Code) async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_FailRequest()
            request.code = code
            request.message = "broken on purpose"
            request.invalidFields = ["book.title", "page_size"]
            request.reason = "TEST_REASON"
            request.retryDelay = Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000)
            request.includeUnknownDetail = true
            let error = try #require(await expectRPCError { _ = try await echo.fail(request) })
            #expect(error.code.rawValue == code.rawValue)
            #expect(error.message == "broken on purpose")
            let status = try #require(error.richStatus)
            #expect(status.code == Int32(code.rawValue))
            #expect(status.message == "broken on purpose")
            #expect(
                error.detailTypeNames == [
                    "google.rpc.BadRequest", "google.rpc.ErrorInfo", "google.rpc.RetryInfo", "demo.hidden.v1.Secret",
                ]
            )
            let badRequest = try Google_Rpc_BadRequest(unpackingAny: status.details[0])
            #expect(badRequest.fieldViolations.map(\.field) == ["book.title", "page_size"])
            let errorInfo = try Google_Rpc_ErrorInfo(unpackingAny: status.details[1])
            #expect(errorInfo.reason == "TEST_REASON")
            #expect(errorInfo.domain == "echo.v1.EchoService")
            let retryInfo = try Google_Rpc_RetryInfo(unpackingAny: status.details[2])
            #expect(retryInfo.retryDelay == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        }
    }

    @Test("Fail with OK succeeds, and omit_details sends a plain status")
    func failPlain() async throws {
        try await withDemoClients { _, echo, _ in
            var ok = Echo_V1_FailRequest()
            ok.code = .ok
            _ = try await echo.fail(ok)

            var plain = Echo_V1_FailRequest()
            plain.code = .aborted
            plain.omitDetails = true
            let error = await expectRPCError { _ = try await echo.fail(plain) }
            #expect(error?.code == .aborted)
            #expect(error?.message == "Fail failed as requested")
            #expect(error?.richStatus == nil)
        }
    }

    @Test("Sleep without a deadline sleeps the whole time and says it saw no deadline")
    func sleepWithoutDeadline() async throws {
        try await withDemoClients { backend, echo, _ in
            var request = Echo_V1_SleepRequest()
            request.duration = Google_Protobuf_Duration(seconds: 0, nanos: 50_000_000)
            let response = try await echo.sleep(request)
            #expect(!response.deadlineSet)
            #expect(!response.hasDeadlineRemaining)
            #expect(Duration(response.slept) >= .milliseconds(50))
            #expect(backend.echo.events.events.map(\.kind) == [.sleepStarted(deadline: nil), .sleepFinished])
        }
    }

    @Test("Sleep reports the deadline budget it arrived with")
    func sleepReportsDeadline() async throws {
        try await withDemoClients { _, echo, _ in
            var request = Echo_V1_SleepRequest()
            request.duration = Google_Protobuf_Duration(seconds: 0, nanos: 20_000_000)
            var options = CallOptions.defaults
            // Generous, so that a test run whose threads are all busy for a while cannot make it expire.
            options.timeout = .seconds(60)
            let response = try await echo.sleep(request, options: options)
            #expect(response.deadlineSet)
            let remaining = Duration(response.deadlineRemaining)
            #expect(remaining > .seconds(30) && remaining <= .seconds(60))
        }
    }

    @Test("Sleep past the deadline stops early and records the cancellation")
    func sleepPastDeadline() async throws {
        try await withDemoClients { backend, echo, _ in
            // A first call opens the connection: on a cold, loaded test run that alone has taken longer than the
            // deadline below, and the Sleep call then never reached its handler.
            var warmUp = Echo_V1_EchoRequest()
            warmUp.message = "warm-up"
            _ = try await echo.echo(warmUp)
            var request = Echo_V1_SleepRequest()
            request.duration = Google_Protobuf_Duration(seconds: 30)
            var options = CallOptions.defaults
            options.timeout = .seconds(8)  // long enough for the call to reach the handler on a loaded machine
            let clock = ContinuousClock()
            let start = clock.now
            let error = await expectRPCError { _ = try await echo.sleep(request, options: options) }
            #expect(error?.code == .deadlineExceeded)
            #expect(clock.now - start < .seconds(20))
            #expect(await backend.echo.events.waitForCancellations(atLeast: 1))
            let events = backend.echo.events.events
            #expect(events.contains(EchoEventLog.Event(method: "Sleep", kind: .cancelled)))
            #expect(!events.contains(EchoEventLog.Event(method: "Sleep", kind: .sleepFinished)))
        }
    }

    @Test("Cancelling the client's call cancels the sleep on the backend, which records it")
    func sleepCancelledByClient() async throws {
        try await withDemoClients { backend, echo, _ in
            var request = Echo_V1_SleepRequest()
            request.duration = Google_Protobuf_Duration(seconds: 30)
            let call = Task { try await echo.sleep(request) }
            // Cancel once the backend is sleeping, so the cancellation has to cross the wire.
            #expect(await backend.echo.events.waitForSleepStarted())
            call.cancel()
            let outcome = await call.result
            #expect(throws: (any Error).self) { try outcome.get() }
            #expect(await backend.echo.events.waitForCancellations(atLeast: 1))
            #expect(backend.echo.events.events.last == EchoEventLog.Event(method: "Sleep", kind: .cancelled))
        }
    }

    @Test("Headers returns the request metadata and sets initial and trailing metadata, text and binary")
    func headers() async throws {
        try await withDemoClients { _, echo, _ in
            var metadata = Metadata()
            metadata.addString("me", forKey: "x-who")
            let (initial, trailing, body) = try await echo.headers(Echo_V1_HeadersRequest(), metadata: metadata) {
                response in
                (response.metadata, response.trailingMetadata, try response.message)
            }
            #expect(body.metadata["x-who"] == "me")
            #expect(Array(initial[stringValues: "x-demo-initial"]) == ["yes"])
            #expect(Array(initial[binaryValues: "x-demo-initial-bin"]) == [EchoService.binaryMetadataValue])
            #expect(Array(trailing[stringValues: "x-demo-trailing"]) == ["yes"])
            #expect(Array(trailing[binaryValues: "x-demo-trailing-bin"]) == [EchoService.binaryMetadataValue])
        }
    }

    @Test("Collect gathers a client stream, Chat answers each message of a bidirectional stream")
    func clientAndBidiStreams() async throws {
        try await withDemoClients { _, echo, _ in
            let words = ["one", "two", "three"]
            let requests = words.map { word in
                var request = Echo_V1_EchoRequest()
                request.message = word
                return request
            }
            let collected = try await echo.collect(
                requestProducer: { writer in try await writer.write(contentsOf: requests) }
            )
            #expect(collected.messages == words)
            #expect(collected.count == 3)

            let chatted = try await echo.chat(
                requestProducer: { writer in try await writer.write(contentsOf: requests) },
                onResponse: { response in
                    try await response.messages.reduce(into: [String]()) { $0.append($1.message) }
                }
            )
            #expect(chatted == words)
        }
    }

    @Test("Upload stores a body that Download returns with its content type; unknown files are NOT_FOUND")
    func files() async throws {
        try await withDemoClients { _, echo, _ in
            var upload = Echo_V1_UploadRequest()
            upload.name = "notes.md"
            upload.file.contentType = "text/markdown"
            upload.file.data = Data("# Notes\n".utf8)
            let uploaded = try await echo.upload(upload)
            #expect(uploaded.size == 8)
            #expect(uploaded.contentType == "text/markdown")

            var download = Echo_V1_DownloadRequest()
            download.name = "notes.md"
            let body = try await echo.download(download)
            #expect(body.contentType == "text/markdown")
            #expect(body.data == Data("# Notes\n".utf8))

            download.name = "bytes-300.bin"
            let generated = try await echo.download(download)
            #expect(generated.contentType == "application/octet-stream")
            #expect(Array(generated.data) == (0..<300).map { UInt8(truncatingIfNeeded: $0) })

            download.name = "hello.txt"
            let hello = try await echo.download(download)
            #expect(hello.contentType == "text/plain; charset=utf-8")

            download.name = "missing.txt"
            let error = await expectRPCError { _ = try await echo.download(download) }
            #expect(error?.code == .notFound)
        }
    }
}
