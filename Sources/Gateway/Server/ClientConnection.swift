import NIOCore
import Synchronization

/// Tells a request in flight that its client went away, so that the upstream call is cancelled instead of
/// running to completion for nobody.
///
/// One per HTTP/1.1 connection, and per HTTP/2 stream passed on to the Hummingbird responder (the stream closes
/// when the client resets it or goes away). `ClientConnection.Observer`, a channel handler, marks it closed when
/// the client closes its side (a half-close counts: HTTP/1.1 clients close to abandon a request); the request's
/// task registers itself while it waits for the backend and is cancelled at that moment.
final class ClientConnection: Sendable {
    private struct State {
        var isClosed = false
        /// The task waiting on the backend; only touched under the lock, and removed before the task moves on.
        nonisolated(unsafe) var waiter: UnsafeCurrentTask?
    }

    private let state = Mutex(State())

    /// Runs `operation`, cancelling the current task if the client goes away meanwhile.
    func cancellingOnClose<T>(_ operation: () async -> T) async -> T {
        let alreadyClosed = withUnsafeCurrentTask { task in
            self.state.withLock { state in
                state.waiter = task
                return state.isClosed
            }
        }
        if alreadyClosed { withUnsafeCurrentTask { $0?.cancel() } }
        defer { self.state.withLock { $0.waiter = nil } }
        return await operation()
    }

    func markClosed() {
        self.state.withLock { state in
            state.isClosed = true
            state.waiter?.cancel()
        }
    }

    // MARK: Finding a connection's instance from its channel

    private static let registry = Mutex<[ObjectIdentifier: ClientConnection]>([:])

    /// The instance of `channel`'s connection, if it has an observer.
    static func of(_ channel: any Channel) -> ClientConnection? {
        Self.registry.withLock { $0[ObjectIdentifier(channel)] }
    }

    /// The channel handler that watches a connection for the client going away.
    final class Observer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        private let connection = ClientConnection()

        func handlerAdded(context: ChannelHandlerContext) {
            let connection = self.connection
            ClientConnection.registry.withLock { $0[ObjectIdentifier(context.channel)] = connection }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            self.forget(context.channel)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.forget(context.channel)
            context.fireChannelInactive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .some(.inputClosed) = event as? ChannelEvent { self.connection.markClosed() }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
        }

        private func forget(_ channel: any Channel) {
            self.connection.markClosed()
            _ = ClientConnection.registry.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }
}
