import ArgumentParser
import DemoService
import Foundation
import Gateway
import Logging
import Transcoding

/// `portico` / `portico demo`: the demo backend in-process and the gateway in front of it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo: the library and echo services in-process, with the gateway in front."
    )

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let logger = try self.options.logger()
        var configuration = try self.options.configuration()
        // The repository's console page, when run from a checkout (`swift run portico`).
        if configuration.publicDirectory == nil && FileManager.default.fileExists(atPath: "public/index.html") {
            configuration.publicDirectory = "public"
        }
        let hasConsole = configuration.publicDirectory != nil
        let pool = try DescriptorPool(fileDescriptorSet: DemoDescriptorSet.bytes)
        try await DemoBackend.withRunningServer { backend in
            configuration.defaultBackend = HostAndPort(host: backend.host, port: backend.port)
            let gateway = try Gateway(pool: pool, configuration: configuration, logger: logger) { address in
                print(Self.banner(gateway: address, backend: "\(backend)", console: hasConsole))
                fflush(nil)  // a pipe (a test harness reading the port) would otherwise see nothing until exit
            }
            try await runUntilSignalled(
                [gateway], gracePeriod: gateway.configuration.limits.gracePeriod, logger: logger)
        }
    }

    static func banner(gateway: HostAndPort, backend: String, console: Bool) -> String {
        let base = "http://\(gateway)"
        let consoleLine = console ? "\nThe console is at \(base)/ (open it in a browser)." : ""
        return """
            Portico is serving the demo at \(base) (gRPC backend on \(backend)).\(consoleLine)
            Try:

              curl -s \(base)/v1/shelves
              curl -s \(base)/v1/shelves/1/books/1
              curl -s '\(base)/v1/shelves/1/books?page_size=2'
              curl -s -X POST \(base)/v1/shelves/1/books -H 'content-type: application/json' \\
                   -d '{"title": "Dune", "author": "Frank Herbert", "genre": "SCIENCE_FICTION", "pageCount": 412}'
              curl -s \(base)/v1/echo/hello
              curl -s -X POST \(base)/v1/echo -d '{"message": "hi", "labels": {"a": "b"}}'
              curl -sN '\(base)/v1/echo/hi:expand?count=3&interval=0.5s' -H 'accept: application/x-ndjson'
              curl -s -X POST \(base)/v1/echo:fail -d '{"code": 3, "message": "bad book"}'
              curl -s -X POST \(base)/v1/echo:sleep -H 'x-server-timeout: 0.2' -d '{"duration": "2s"}'

            Press Ctrl-C to stop.
            """
    }
}
