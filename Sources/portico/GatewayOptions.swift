import ArgumentParser
import Foundation
import Gateway
import Logging
import Transcoding

/// The flags that tune the gateway, shared by `serve` and `demo`.
struct GatewayOptions: ParsableArguments {
    @Option(help: "The address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen: String = "127.0.0.1:8080"

    @Option(help: "The deadline of calls whose client sends none, in seconds.")
    var defaultTimeout: Double = 30

    @Option(help: "The longest deadline any call gets, in seconds (client deadlines are clamped to it).")
    var maxTimeout: Double = 300

    @Option(help: "The largest request body accepted, in bytes (413 beyond it).")
    var maxRequestBytes: Int = 4 << 20

    @Option(help: "The largest response message accepted from a backend, in bytes.")
    var maxResponseBytes: Int = 4 << 20

    @Option(
        help:
            "Close a client connection idle this many seconds (no request in progress, or no open HTTP/2 stream); 0 never."
    )
    var idleTimeout: Double = 60

    @Option(
        help: "On shutdown (or an HTTP/2 GOAWAY), seconds a connection has to finish its calls before it is closed.")
    var gracePeriod: Double = 30

    @Flag(help: "Skip JSON fields that the request message does not have, instead of answering 400.")
    var ignoreUnknownFields = false

    @Flag(help: "Skip query parameters that name no field, instead of answering 400.")
    var ignoreUnknownQueryParameters = false

    @Flag(help: "Keep '+' as '+' in query strings (by default it decodes to a space, as in HTML forms).")
    var keepPlusInQuery = false

    @Flag(help: "Print fields that hold their default value (0, \"\", false, [], {}).")
    var emitUnpopulatedFields = false

    @Flag(help: "Print enum values as numbers instead of names.")
    var enumsAsIntegers = false

    @Flag(help: "Print field names as in the .proto file (snake_case) instead of lowerCamelCase.")
    var useProtoFieldNames = false

    @Option(help: "Indent JSON responses by this many spaces (0: compact).")
    var indent: Int = 0

    @Option(
        name: .customLong("forward-header"),
        help:
            "Forward only these request headers as gRPC metadata (repeatable; default: all but hop-by-hop and reserved ones)."
    )
    var forwardedHeaders: [String] = []

    @Option(
        help: "The most request metadata forwarded to a backend, in bytes as HTTP/2 counts it (431 beyond it).")
    var maxMetadataBytes: Int = 8 << 10

    @Option(
        name: .customLong("cors-origin"),
        help: "Browser origins allowed to call (repeatable; default: any origin, without credentials)."
    )
    var corsOrigins: [String] = []

    @Flag(help: "Let browsers send credentials (requires explicit --cors-origin values, never '*').")
    var corsCredentials = false

    @Option(
        name: .customLong("cors-expose-header"),
        help: "Response headers browsers may read, beyond the gRPC status ones (repeatable).")
    var corsExposedHeaders: [String] = []

    @Flag(help: "Answer no CORS requests (same-origin callers only).")
    var noCors = false

    @Flag(
        name: .customLong("http2"), help: "Speak HTTP/2 over cleartext with prior knowledge (h2c) instead of HTTP/1.1.")
    var http2 = false

    @Option(
        name: .customLong("public"),
        help: ArgumentHelp(
            "Serve the browser console from this directory: its files at /, the service catalog at /_portico/api/services.",
            valueName: "DIR"
        )
    )
    var publicDirectory: String?

    @Option(help: "Event-loop threads (default: one per core). Each connection and its upstream calls stay on one.")
    var threads: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func configuration() throws -> GatewayConfiguration {
        guard let listen = HostAndPort(parsing: self.listen) else {
            throw ValidationError("--listen must be HOST:PORT, got \"\(self.listen)\"")
        }
        guard self.defaultTimeout > 0, self.maxTimeout > 0 else {
            throw ValidationError("--default-timeout and --max-timeout must be positive")
        }
        guard self.idleTimeout >= 0 else {
            throw ValidationError("--idle-timeout must be 0 (never) or a positive number of seconds")
        }
        guard self.gracePeriod > 0 else { throw ValidationError("--grace-period must be positive") }
        for (flag, value) in [
            ("--max-request-bytes", self.maxRequestBytes), ("--max-response-bytes", self.maxResponseBytes),
            ("--max-metadata-bytes", self.maxMetadataBytes),
        ] where value <= 0 {
            throw ValidationError("\(flag) must be positive, got \(value)")
        }
        var configuration = GatewayConfiguration(listen: listen)
        configuration.deadlines.defaultTimeout = .nanoseconds(Int64(self.defaultTimeout * 1e9))
        configuration.deadlines.maxTimeout = .nanoseconds(Int64(self.maxTimeout * 1e9))
        configuration.limits.maxRequestBodyBytes = self.maxRequestBytes
        configuration.limits.maxResponseMessageBytes = self.maxResponseBytes
        configuration.limits.idleConnectionTimeout =
            self.idleTimeout > 0 ? .nanoseconds(Int64(self.idleTimeout * 1e9)) : nil
        configuration.limits.gracePeriod = .nanoseconds(Int64(self.gracePeriod * 1e9))
        configuration.binding.json.ignoreUnknownFields = self.ignoreUnknownFields
        configuration.binding.json.maxInputSize = self.maxRequestBytes
        configuration.binding.ignoreUnknownQueryParameters = self.ignoreUnknownQueryParameters
        configuration.binding.queryPlusAsSpace = !self.keepPlusInQuery
        configuration.jsonOutput.emitUnpopulatedFields = self.emitUnpopulatedFields
        configuration.jsonOutput.enumsAsIntegers = self.enumsAsIntegers
        configuration.jsonOutput.useProtoFieldNames = self.useProtoFieldNames
        configuration.jsonOutput.indent = self.indent
        if let directory = self.publicDirectory {
            guard Self.isDirectory(directory) else { throw ValidationError("--public \(directory): no such directory") }
            configuration.publicDirectory = directory
        }
        if self.corsCredentials && (self.corsOrigins.isEmpty || self.corsOrigins.contains("*")) {
            throw ValidationError(
                "--cors-credentials needs explicit --cors-origin values ('*' with credentials is unsafe)")
        }
        configuration.cors =
            self.noCors
            ? .disabled
            : CORSPolicy(
                allowedOrigins: self.corsOrigins.isEmpty ? ["*"] : self.corsOrigins,
                allowCredentials: self.corsCredentials,
                exposedHeaders: self.corsExposedHeaders
            )
        configuration.listenerProtocol = self.http2 ? .h2c : .http1
        if let threads = self.threads {
            guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
            configuration.threads = threads
        }
        configuration.metadata.maxForwardedBytes = self.maxMetadataBytes
        if !self.forwardedHeaders.isEmpty {
            configuration.metadata.forwardedRequestHeaders = Set(self.forwardedHeaders.map { $0.lowercased() })
        }
        return configuration
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    func logger() throws -> Logger {
        guard let level = Logger.Level(rawValue: self.logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "portico") { LineLogHandler(label: $0) }
        logger.logLevel = level
        return logger
    }
}
