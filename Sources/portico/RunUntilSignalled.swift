import Logging
import ServiceLifecycle
import UnixSignals

/// Runs services until SIGTERM or SIGINT, then shuts them down gracefully.
func runUntilSignalled(_ services: [any Service], logger: Logger) async throws {
    let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    )
    try await group.run()
}
