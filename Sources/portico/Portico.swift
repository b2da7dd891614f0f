import ArgumentParser

@main
struct Portico: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portico",
        abstract: "A gRPC-Web and REST/JSON transcoding gateway for gRPC backends.",
        discussion: """
            With no subcommand, Portico starts its demo: a gRPC backend in-process and the gateway in front of it \
            on 127.0.0.1:8080. Use `portico serve` to put the gateway in front of your own backend.
            """,
        subcommands: [DemoCommand.self, ServeCommand.self, DemoBackendCommand.self],
        defaultSubcommand: DemoCommand.self
    )
}
