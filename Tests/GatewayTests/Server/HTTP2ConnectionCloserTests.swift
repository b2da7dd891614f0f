import NIOCore
import Testing

@testable import Gateway

/// When an HTTP/2 connection counts as idle: no stream open for the idle timeout, measured from the last close.
@Suite("HTTP/2 connection idle timeout")
struct HTTP2ConnectionCloserTests {
    typealias IdleState = HTTP2ConnectionCloser.IdleState

    private static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private static let timeout = TimeAmount.seconds(60)

    private static func after(_ seconds: Int64) -> NIODeadline { Self.start + .seconds(seconds) }

    @Test("a connection with no stream is quiesced once the timeout has passed since it opened")
    func idleFromTheStart() {
        var idle = IdleState(idleTimeout: Self.timeout)
        #expect(idle.becameActive(now: Self.start) == .scheduleTimer(Self.after(60)))
        #expect(idle.becameActive(now: Self.after(1)) == .none)  // (reported twice: handlerAdded, channelActive)
        #expect(idle.timerFired(now: Self.after(60)) == .quiesce)
        #expect(idle.timerFired(now: Self.after(120)) == .none)  // once
    }

    @Test("streams opened and closed meanwhile move the deadline to the timeout after the last close")
    func streamsMeanwhile() {
        var idle = IdleState(idleTimeout: Self.timeout)
        _ = idle.becameActive(now: Self.start)
        idle.streamOpened()
        idle.streamOpened()
        #expect(idle.streamClosed(now: Self.after(10)) == .none)  // one still open
        #expect(idle.streamClosed(now: Self.after(20)) == .scheduleTimer(Self.after(80)))
        #expect(idle.timerFired(now: Self.after(60)) == .scheduleTimer(Self.after(80)))
        #expect(idle.timerFired(now: Self.after(80)) == .quiesce)
    }

    @Test("an open stream keeps the connection however long it lasts; its close arms the timer again")
    func longStream() {
        var idle = IdleState(idleTimeout: Self.timeout)
        _ = idle.becameActive(now: Self.start)
        idle.streamOpened()
        #expect(idle.timerFired(now: Self.after(600)) == .none)
        #expect(idle.streamClosed(now: Self.after(601)) == .scheduleTimer(Self.after(661)))
        #expect(idle.timerFired(now: Self.after(661)) == .quiesce)
    }

    @Test("no timeout, or a closed connection: never quiesced for idleness")
    func noTimeout() {
        var none = IdleState(idleTimeout: nil)
        #expect(none.becameActive(now: Self.start) == .none)
        none.streamOpened()
        #expect(none.streamClosed(now: Self.after(1)) == .none)
        #expect(none.timerFired(now: Self.after(1_000)) == .none)

        var closed = IdleState(idleTimeout: Self.timeout)
        _ = closed.becameActive(now: Self.start)
        closed.becameInactive()
        #expect(closed.timerFired(now: Self.after(60)) == .none)
    }

    @Test("a close without an open (a stream the count never saw) does not go below zero")
    func unmatchedClose() {
        var idle = IdleState(idleTimeout: Self.timeout)
        _ = idle.becameActive(now: Self.start)
        #expect(idle.streamClosed(now: Self.after(5)) == .scheduleTimer(Self.after(65)))
        idle.streamOpened()
        #expect(idle.openStreams == 1)
        #expect(idle.timerFired(now: Self.after(65)) == .none)
    }
}
