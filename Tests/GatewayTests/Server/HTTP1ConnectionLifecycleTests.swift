import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Testing

@testable import Gateway

/// The HTTP/1.1 connection's life: when the idle timer closes it, and when a graceful shutdown does.
@Suite("HTTP/1.1 connection lifecycle")
struct HTTP1ConnectionLifecycleTests {
    typealias Machine = HTTP1ConnectionLifecycle.StateMachine

    private static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private static let timeout = TimeAmount.seconds(60)
    private static let head = HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"))

    private static func after(_ seconds: Int64) -> NIODeadline { Self.start + .seconds(seconds) }

    @Test("an idle connection is closed once the timeout has passed since its last activity")
    func idle() {
        var machine = Machine(idleTimeout: Self.timeout)
        #expect(machine.becameActive(now: Self.start) == .scheduleTimer(Self.after(60)))
        #expect(machine.timerFired(now: Self.after(60)) == .close)
    }

    @Test("a request answered meanwhile moves the deadline to the timeout after its answer")
    func answeredMeanwhile() {
        var machine = Machine(idleTimeout: Self.timeout)
        _ = machine.becameActive(now: Self.start)
        machine.read(Self.head, now: Self.after(10))
        machine.read(.end(nil), now: Self.after(10))
        #expect(machine.responseEnded(now: Self.after(20)) == .scheduleTimer(Self.after(80)))
        #expect(machine.timerFired(now: Self.after(60)) == .scheduleTimer(Self.after(80)))
        #expect(machine.timerFired(now: Self.after(80)) == .close)
    }

    @Test("a request read whole waits for its answer however long it takes")
    func longCall() {
        var machine = Machine(idleTimeout: Self.timeout)
        _ = machine.becameActive(now: Self.start)
        machine.read(Self.head, now: Self.after(1))
        machine.read(.end(nil), now: Self.after(1))
        #expect(machine.timerFired(now: Self.after(600)) == .none)
        #expect(machine.responseEnded(now: Self.after(601)) == .scheduleTimer(Self.after(661)))
    }

    @Test("a request whose body stops arriving is cut by the timeout")
    func stalledBody() {
        var machine = Machine(idleTimeout: Self.timeout)
        _ = machine.becameActive(now: Self.start)
        machine.read(Self.head, now: Self.after(1))
        machine.read(.body(ByteBuffer(string: "{")), now: Self.after(2))
        #expect(machine.timerFired(now: Self.after(61)) == .scheduleTimer(Self.after(62)))
        #expect(machine.timerFired(now: Self.after(62)) == .close)
    }

    @Test("no timeout: never closed for idleness")
    func noTimeout() {
        var machine = Machine(idleTimeout: nil)
        #expect(machine.becameActive(now: Self.start) == .none)
        #expect(machine.timerFired(now: Self.after(10_000)) == .none)
    }

    @Test("shutdown closes an idle connection at once, a busy one after its last answer")
    func shutdown() {
        var idle = Machine(idleTimeout: Self.timeout)
        _ = idle.becameActive(now: Self.start)
        #expect(idle.quiesce() == .close)

        var busy = Machine(idleTimeout: Self.timeout)
        _ = busy.becameActive(now: Self.start)
        busy.read(Self.head, now: Self.start)
        busy.read(.end(nil), now: Self.start)
        busy.read(Self.head, now: Self.start)  // pipelined
        busy.read(.end(nil), now: Self.start)
        #expect(busy.quiesce() == .none)
        #expect(busy.responseEnded(now: Self.after(1)) == .none)
        #expect(busy.responseEnded(now: Self.after(2)) == .close)
    }

    @Test("the status line and fields are written as HTTP/1.1 bytes")
    func responseHead() {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.contentLength] = "2"
        var bytes = ByteBuffer()
        HTTP1ResponseHead.write(status: .notFound, headers: headers, into: &bytes)
        #expect(
            String(buffer: bytes) == "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")

        // A fast-path answer's length and date come after its own fields.
        headers[.contentLength] = nil
        bytes.clear()
        let framing = FramingFields(contentLength: 17, date: "Mon, 07 Dec 2026 16:00:00 GMT")
        HTTP1ResponseHead.write(status: .ok, headers: headers, framing: framing, into: &bytes)
        #expect(
            String(buffer: bytes)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n"
                + "Date: Mon, 07 Dec 2026 16:00:00 GMT\r\n\r\n")
    }
}
