import ArgumentParser
import Foundation
import Gateway
import Logging
import Transcoding

/// `portico serve`: the gateway in front of your own backends.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the google.api.http routes of descriptor sets, calling gRPC backends.",
        discussion: """
            Produce a descriptor set with protoc:
              protoc -I protos -I <googleapis> --include_imports --descriptor_set_out=api.binpb protos/your/v1/*.proto
            """
    )

    @Option(
        name: .customLong("descriptor-set"),
        help: "A binary FileDescriptorSet (protoc --include_imports --descriptor_set_out). Repeatable."
    )
    var descriptorSets: [String] = []

    @Option(help: "The default backend of every service, HOST:PORT (gRPC over HTTP/2 cleartext).")
    var backend: String?

    @Option(name: .customLong("service"), help: "Route one service to its own backend: NAME=HOST:PORT. Repeatable.")
    var services: [String] = []

    @OptionGroup var options: GatewayOptions

    func validate() throws {
        if self.descriptorSets.isEmpty { throw ValidationError("give at least one --descriptor-set FILE") }
        if self.backend == nil && self.services.isEmpty {
            throw ValidationError("give --backend HOST:PORT or --service NAME=HOST:PORT")
        }
    }

    func run() async throws {
        let logger = try self.options.logger()
        var configuration = try self.options.configuration()
        if let backend = self.backend {
            guard let target = HostAndPort(parsing: backend) else {
                throw ValidationError("--backend must be HOST:PORT, got \"\(backend)\"")
            }
            configuration.defaultBackend = target
        }
        for entry in self.services {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let target = HostAndPort(parsing: parts[1]) else {
                throw ValidationError("--service must be NAME=HOST:PORT, got \"\(entry)\"")
            }
            configuration.serviceBackends[parts[0]] = target
        }
        var sets: [[UInt8]] = []
        for path in self.descriptorSets {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read descriptor set \(path)")
            }
            sets.append([UInt8](data))
        }
        let pool = try DescriptorPool(fileDescriptorSets: sets)
        for name in configuration.serviceBackends.keys where pool.service(named: name) == nil {
            throw ValidationError("--service \(name): no such service in the descriptor sets")
        }
        let gateway = try Gateway(pool: pool, configuration: configuration, logger: logger) { address in
            logger.info("listening on http://\(address)")
        }
        logger.info("serving \(gateway.routes.routes.count) routes")
        try await runUntilSignalled([gateway], gracePeriod: gateway.configuration.limits.gracePeriod, logger: logger)
    }
}
