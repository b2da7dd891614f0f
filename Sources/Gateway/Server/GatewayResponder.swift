import Hummingbird

/// The gateway's single responder: every request goes to the protocol that serves it.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    let rest: RESTHandler
    /// The browser console, when a public directory is configured; it never claims a request a REST route matches.
    var console: ConsoleHandler? = nil

    func respond(to request: Request, context: Context) async throws -> Response {
        if let console = self.console, console.claims(request) {
            return await console.respond(to: request, context: context)
        }
        return await self.rest.handle(request, context: context)
    }
}
