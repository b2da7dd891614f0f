import HTTPTypes
import Hummingbird
import NIOCore

/// The gateway's single responder: answers CORS preflights, sends gRPC-Web calls (by content type) to the
/// gRPC-Web protocol, the console's GET/HEAD requests that no route matches to the console, and everything
/// else to REST, and adds the CORS headers of cross-origin responses.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    let rest: RESTHandler
    let grpcWeb: GRPCWebHandler
    let cors: CORSPolicy
    /// The browser console, when a public directory is configured; it never claims a request a REST route matches.
    var console: ConsoleHandler? = nil

    func respond(to request: Request, context: Context) async throws -> Response {
        let origin = self.cors.allowedOrigins.isEmpty ? nil : request.headers[.origin]
        if origin != nil && CORSPolicy.isPreflight(request.head) {
            guard let headers = self.cors.preflightHeaders(for: request.head) else {
                return self.rest.errorResponse(
                    GatewayError(code: .permissionDenied, message: "origin \(origin ?? "") is not allowed"))
            }
            return Response(status: .noContent, headers: headers, body: ResponseBody())
        }
        var response: Response
        if let format = GRPCWebFormat(headers: request.headers) {
            response = await self.grpcWeb.handle(request, context: context, format: format)
        } else if let console = self.console, console.claims(request) {
            response = await console.respond(to: request, context: context)
        } else {
            response = await self.rest.handle(request, context: context)
        }
        self.cors.addResponseHeaders(forRequest: request.headers, to: &response.headers)
        return response
    }
}
