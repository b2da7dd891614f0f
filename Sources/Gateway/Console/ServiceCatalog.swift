import Transcoding

/// The JSON document the console page reads from `GET /_portico/api/services`: every exposed service and
/// method with its comments and REST routes, and the message and enum types their requests and responses use.
///
/// Built once when the gateway starts; serving it is a copy of the bytes.
///
///     {"services": [{"name": "library.v1.LibraryService", "shortName": "LibraryService", "file": "...",
///                    "comments": "...", "methods": [METHOD, ...]}],
///      "messages": {"library.v1.Book": MESSAGE, ...},
///      "enums": {"library.v1.Genre": ENUM, ...}}
///
/// Types are listed once each, by full name, and fields refer to them by name, so recursive types stay
/// finite; the page stops expanding nested messages when it builds an example request (its recursion cutoff).
/// `messages` holds every type reachable from the exposed methods' inputs and outputs (map entry types
/// excepted: a map field describes its key and value itself). Keys whose value would be empty or unknown
/// (`comments`, `oneof`, ...) are left out. See `ServiceCatalog+TypeTable.swift` for `MESSAGE` and `ENUM`.
struct ServiceCatalog: Sendable {
    /// The catalog as compact UTF-8 JSON.
    let json: [UInt8]

    /// - Parameter exposedServices: the full names of the services to list; nil lists every service of the pool.
    init(pool: DescriptorPool, routes: HTTPRouteTable, exposedServices: Set<String>?) {
        var routesByMethod: [ObjectIdentifier: [HTTPRoute]] = [:]
        for route in routes.routes {
            routesByMethod[ObjectIdentifier(route.method), default: []].append(route)
        }
        let services = pool.services.filter { exposedServices?.contains($0.fullName) ?? true }

        var types = TypeTable()
        for service in services {
            for method in service.methods {
                types.collect(method.inputType)
                types.collect(method.outputType)
            }
        }

        var writer = JSONWriter(capacity: 16 << 10)
        writer.beginObject()
        writer.writeKey("services")
        writer.beginArray()
        for service in services {
            writer.beginElement()
            Self.write(service, routesByMethod: routesByMethod, into: &writer)
        }
        writer.endArray()
        types.write(into: &writer)
        writer.endObject()
        self.json = writer.bytes
    }

    /// `{"name", "shortName", "file", "comments"?, "methods": [...]}`
    private static func write(
        _ service: ServiceDescriptor,
        routesByMethod: [ObjectIdentifier: [HTTPRoute]],
        into writer: inout JSONWriter
    ) {
        writer.beginObject()
        writer.writeKey("name")
        writer.writeString(service.fullName)
        writer.writeKey("shortName")
        writer.writeString(service.name)
        writer.writeKey("file")
        writer.writeString(service.fileName)
        writer.writeOptionalString(key: "comments", service.comments)
        writer.writeKey("methods")
        writer.beginArray()
        for method in service.methods {
            writer.beginElement()
            Self.write(method, routes: routesByMethod[ObjectIdentifier(method)] ?? [], into: &writer)
        }
        writer.endArray()
        writer.endObject()
    }

    /// `{"name", "fullName", "grpcPath", "clientStreaming", "serverStreaming", "inputType", "outputType",
    /// "comments"?, "routes": [ROUTE, ...]}`; `routes` is empty for a method without `google.api.http` rules.
    private static func write(_ method: MethodDescriptor, routes: [HTTPRoute], into writer: inout JSONWriter) {
        writer.beginObject()
        writer.writeKey("name")
        writer.writeString(method.name)
        writer.writeKey("fullName")
        writer.writeString(method.fullName)
        writer.writeKey("grpcPath")
        writer.writeString(method.grpcPath)
        writer.writeKey("clientStreaming")
        writer.writeBool(method.clientStreaming)
        writer.writeKey("serverStreaming")
        writer.writeBool(method.serverStreaming)
        writer.writeKey("inputType")
        writer.writeString(method.inputType.fullName)
        writer.writeKey("outputType")
        writer.writeString(method.outputType.fullName)
        writer.writeOptionalString(key: "comments", method.comments)
        writer.writeKey("routes")
        writer.beginArray()
        for route in routes {
            writer.beginElement()
            Self.write(route, into: &writer)
        }
        writer.endArray()
        writer.endObject()
    }

    /// `{"method": "GET", "path": "/v1/{name=shelves/*}", "body"?: "*" | "field", "bodyJsonName"?,
    /// "responseBody"?, "httpBodyRequest", "httpBodyResponse", "variables": [VARIABLE, ...]}`
    ///
    /// A variable is `{"field": "book.name", "jsonPath": ["book", "name"], "pattern": "shelves/*/books/*",
    /// "multiSegment": true}`: the page reads the value at `jsonPath` of the request JSON to fill the path.
    private static func write(_ route: HTTPRoute, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.writeKey("method")
        writer.writeString(route.rule.method)
        writer.writeKey("path")
        writer.writeString(route.rule.pathTemplate)
        writer.writeOptionalString(key: "body", route.rule.body)
        if case .field(let field) = route.body {
            writer.writeKey("bodyJsonName")
            writer.writeString(field.jsonName)
        }
        writer.writeOptionalString(key: "responseBody", route.rule.responseBody)
        writer.writeKey("httpBodyRequest")
        writer.writeBool(route.takesHTTPBody)
        writer.writeKey("httpBodyResponse")
        writer.writeBool(route.returnsHTTPBody)
        writer.writeKey("variables")
        writer.beginArray()
        for variable in route.template.variables {
            writer.beginElement()
            writer.beginObject()
            writer.writeKey("field")
            writer.writeString(variable.fieldPath.joined(separator: "."))
            writer.writeKey("jsonPath")
            writer.beginArray()
            for name in Self.jsonPath(of: variable.fieldPath, in: route.method.inputType) {
                writer.beginElement()
                writer.writeString(name)
            }
            writer.endArray()
            writer.writeKey("pattern")
            writer.writeString(Self.pattern(of: variable, in: route.template))
            writer.writeKey("multiSegment")
            writer.writeBool(variable.isMultiSegment)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    /// The JSON names along a proto field path (`book.name` -> `["book", "name"]`). The route table has already
    /// checked that every step names a field, so a miss only keeps the proto name.
    static func jsonPath(of fieldPath: [String], in message: MessageDescriptor) -> [String] {
        var names: [String] = []
        var current: MessageDescriptor? = message
        for name in fieldPath {
            let field = current?.field(named: name)
            names.append(field?.jsonName ?? name)
            current = field?.messageType
        }
        return names
    }

    /// The segments a variable matches, as a template writes them (`shelves/*/books/*`, `*`, `**`).
    static func pattern(of variable: PathTemplate.Variable, in template: PathTemplate) -> String {
        template.segments[variable.segments].map { segment in
            switch segment {
            case .literal(let text): text
            case .singleWildcard: "*"
            case .multiWildcard: "**"
            }
        }.joined(separator: "/")
    }
}

extension JSONWriter {
    /// Writes `"key": "value"`, or nothing when the value is nil or empty.
    mutating func writeOptionalString(key: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        self.writeKey(key)
        self.writeString(value)
    }
}
