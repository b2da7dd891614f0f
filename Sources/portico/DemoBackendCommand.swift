import ArgumentParser
import DemoService
import Foundation
import Gateway
import Logging
import ServiceLifecycle

/// `portico demo-backend`: the demo's gRPC services alone, for putting a gateway (Portico's `serve`, or another
/// one, as the benchmarks do) in front of them.
struct DemoBackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-backend",
        abstract: "Serve the demo's gRPC services (library.v1, echo.v1) without a gateway."
    )

    @Option(help: "The address to serve gRPC on, HOST:PORT (port 0 picks a free port).")
    var listen: String = "127.0.0.1:9090"

    func run() async throws {
        guard let listen = HostAndPort(parsing: self.listen) else {
            throw ValidationError("--listen must be HOST:PORT, got \"\(self.listen)\"")
        }
        try await DemoBackend.withRunningServer(host: listen.host, port: listen.port) { address in
            print("The demo's gRPC services are on \(address). Press Ctrl-C to stop.")
            fflush(nil)
            try await runUntilSignalled(
                [UntilShutdown()], logger: Logger(label: "portico") { LineLogHandler(label: $0) })
        }
    }
}

/// A service that only waits for the graceful shutdown a signal starts.
private struct UntilShutdown: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
