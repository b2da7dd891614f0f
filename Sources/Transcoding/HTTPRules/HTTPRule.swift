/// One `google.api.http` binding of a method (the primary rule or one of its `additional_bindings`).
public struct HTTPRule: Sendable, Hashable {
    /// The HTTP method in upper case (`GET`, `POST`, ...; the `custom` kind's name as written).
    public var method: String
    /// The path template as written (`/v1/{name=shelves/*/books/*}`).
    public var pathTemplate: String
    /// nil: no body; `*`: the whole request message; otherwise the field path the body maps to.
    public var body: String?
    /// nil: the whole response message; otherwise the response field to return as the body.
    public var responseBody: String?

    public init(method: String, pathTemplate: String, body: String? = nil, responseBody: String? = nil) {
        self.method = method
        self.pathTemplate = pathTemplate
        self.body = body
        self.responseBody = responseBody
    }
}
