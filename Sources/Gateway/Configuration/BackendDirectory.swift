import Transcoding

/// Which backend serves each service: the service's own entry, else the default backend.
struct BackendDirectory: Sendable {
    let defaultBackend: UpstreamTarget?
    let serviceBackends: [String: UpstreamTarget]

    init(_ configuration: GatewayConfiguration) {
        self.defaultBackend = configuration.defaultBackend
        self.serviceBackends = configuration.serviceBackends
    }

    func target(for service: ServiceDescriptor) throws(GatewayError) -> UpstreamTarget {
        if let target = self.serviceBackends[service.fullName] ?? self.defaultBackend { return target }
        throw GatewayError(code: .unavailable, message: "no backend is configured for \(service.fullName)")
    }
}
