import NIOCore

/// Turns the flushes of one event-loop tick into one, on an HTTP/2 connection.
///
/// The answers of a connection's streams are written when their upstream calls end, often several in the same
/// upstream read; each stream flushes its own. Deferred to a task that runs after the tick's I/O, they leave in
/// one `writev` instead of one each, which is most of what a small HTTP/2 request costs the kernel.
final class FlushCoalescer: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny

    private var isFlushScheduled = false

    func flush(context: ChannelHandlerContext) {
        guard !self.isFlushScheduled else { return }
        self.isFlushScheduled = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (coalescer, context) = loopBound.value
            coalescer.flushNow(context: context)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        self.flushNow(context: context)  // what was written before the close still goes out
        context.close(mode: mode, promise: promise)
    }

    private func flushNow(context: ChannelHandlerContext) {
        guard self.isFlushScheduled else { return }
        self.isFlushScheduled = false
        context.flush()
    }
}
