import Logging
import ServiceLifecycle
import UnixSignals

/// Runs services until SIGTERM or SIGINT, then shuts them down gracefully, cancelling what is still running after
/// `gracePeriod` (a stream that never ends, a client that never lets go).
func runUntilSignalled(_ services: [any Service], gracePeriod: Duration? = nil, logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(
        services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod
    try await ServiceGroup(configuration: configuration).run()
}
