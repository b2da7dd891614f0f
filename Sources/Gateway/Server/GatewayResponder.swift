import Hummingbird

/// The gateway's single responder: every request goes to the protocol that serves it.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    let rest: RESTHandler

    func respond(to request: Request, context: Context) async throws -> Response {
        await self.rest.handle(request, context: context)
    }
}
