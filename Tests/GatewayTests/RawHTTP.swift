import Foundation
import NIOCore
import NIOPosix

/// Sends bytes exactly as given over a fresh TCP connection and returns everything the server answers until
/// it closes: for requests that well-behaved clients refuse to send (invalid escapes, raw bytes in URLs).
enum RawHTTP {
    static func exchange(port: Int, request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var response = ""
            for try await chunk in inbound {
                response += String(buffer: chunk)
            }
            return response
        }
    }

    /// Connects and sends `bytes` from the event loop as soon as the connection is up, so that a test task resumed
    /// late cannot miss a short timeout of the server's; the caller closes the channel.
    static func connect(port: Int, sending bytes: ByteBuffer) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in channel.writeAndFlush(bytes).map { channel } }
            .get()
    }

    /// A GET with `Connection: close`, path sent byte for byte.
    static func get(port: Int, path: String) async throws -> (status: Int, body: String) {
        let response = try await Self.exchange(
            port: port, request: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let statusLine = response.prefix { $0 != "\r" }
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}
