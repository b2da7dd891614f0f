import HummingbirdCore
import Logging
import NIOCore

/// Runs Swift tasks on a NIO event loop.
///
/// A client connection's requests run with their channel's loop as task executor: the request arrives, the
/// upstream call starts, its response is read and written back all on one thread, with no hop to Swift's
/// cooperative pool and back (each hop is a thread wake-up, which cost more than the gateway's own work).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        self.eventLoop.execute { job.runSynchronously(on: executor) }
    }
}

/// A server child channel whose connections are handled on their own event loop (see ``EventLoopTaskExecutor``).
struct EventLoopBoundChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop: value.channel.eventLoop)) {
            await self.base.handle(value: value, logger: logger)
        }
    }
}
