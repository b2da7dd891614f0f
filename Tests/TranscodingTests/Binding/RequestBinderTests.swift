import Foundation
import SwiftProtobuf
import Testing

@testable import Transcoding

private typealias B = DescriptorSetBuilder

/// `things.v1.Things` with three routes, one per body rule.
private func thingsPool() throws -> DescriptorPool {
    let file = B.file(
        "things/v1/things.proto", package: "things.v1",
        dependencies: ["google/protobuf/duration.proto", "google/api/httpbody.proto"]
    ) { file in
        var request = B.message(
            "Request",
            [
                B.field("name", 1, .string),
                B.field("page", 2, .int32),
                B.field("tags", 3, .string, repeated: true),
                B.field("sub", 4, .message, typeName: ".things.v1.Sub"),
                B.field("wait", 5, .message, typeName: ".google.protobuf.Duration"),
                B.field("labels", 6, .message, typeName: ".things.v1.Request.LabelsEntry", repeated: true),
                B.field("payload", 7, .message, typeName: ".things.v1.Sub"),
                B.field("raw", 8, .message, typeName: ".google.api.HttpBody"),
            ]
        )
        var entry = B.message("LabelsEntry", [B.field("key", 1, .string), B.field("value", 2, .string)])
        entry.options.mapEntry = true
        request.nestedType = [entry]
        file.messageType = [request, B.message("Sub", [B.field("label", 1, .string), B.field("count", 2, .int64)])]
        var service = Google_Protobuf_ServiceDescriptorProto()
        service.name = "Things"
        service.method = [
            B.method(
                "Get", input: ".things.v1.Request", output: ".things.v1.Request",
                httpRule: B.httpRule(2, "/v1/{name=things/*}")),
            B.method(
                "Act", input: ".things.v1.Request", output: ".things.v1.Request",
                httpRule: B.httpRule(4, "/v1/{name=things/*}:act", body: "payload", responseBody: "sub")),
            B.method(
                "Create", input: ".things.v1.Request", output: ".things.v1.Request",
                httpRule: B.httpRule(4, "/v1/things", body: "*")),
            B.method(
                "Upload", input: ".things.v1.Request", output: ".google.api.HttpBody",
                httpRule: B.httpRule(4, "/v1/{name=things/*}:upload", body: "raw")),
            B.method(
                "Pair", input: ".things.v1.Request", output: ".things.v1.Request",
                httpRule: B.httpRule(2, "/v1/{name=things/*}/subs/{sub.label}")),
        ]
        file.service = [service]
    }
    return try DescriptorPool(fileDescriptorSet: try DescriptorSetBuilder(files: [file]).serialized())
}

/// Whether two JSON texts hold the same value (member order aside).
private func sameJSON(_ a: String, _ b: String) -> Bool {
    guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8)) as? NSDictionary,
        let y = try? JSONSerialization.jsonObject(with: Data(b.utf8)) as? NSDictionary
    else { return false }
    return x.isEqual(y)
}

/// Routes a request, binds it, and prints the bound message as compact JSON.
private func bind(
    _ method: String,
    _ target: String,
    body: String = "",
    contentType: String? = nil,
    options: BindingOptions = .defaults
) throws -> String {
    let pool = try thingsPool()
    let table = try HTTPRouteTable(pool: pool)
    let (path, query) = target.split(separator: "?", maxSplits: 1).map(String.init).splitPair()
    guard case .matched(let route, let bindings) = try table.match(method: method, path: path) else {
        throw TranscodingError(.invalidPath, "no route")
    }
    let bytes = try Array(body.utf8).withUnsafeBytes { buffer in
        try RequestBinder(options: options).bind(
            route: route, pathBindings: bindings, query: query.map { $0[...] }, body: buffer, contentType: contentType)
    }
    let json = try bytes.withUnsafeBytes { try ProtobufToJSON().transcode($0, as: route.method.inputType) }
    return String(decoding: json, as: UTF8.self)
}

extension Array where Element == String {
    fileprivate func splitPair() -> (String, String?) { (self[0], self.count > 1 ? self[1] : nil) }
}

@Suite("Request binding: path variables, query parameters and body merged into one message")
struct RequestBinderTests {
    static let cases: [(method: String, target: String, body: String, expected: String)] = [
        ("GET", "/v1/things/a", "", #"{"name":"things/a"}"#),
        ("GET", "/v1/things/a%20b", "", #"{"name":"things/a b"}"#),
        ("GET", "/v1/things/a?page=3&tags=x&tags=y%2Bz", "", #"{"name":"things/a","page":3,"tags":["x","y+z"]}"#),
        (
            "GET", "/v1/things/a?sub.label=hi&sub.count=-9007199254740993", "",
            #"{"name":"things/a","sub":{"label":"hi","count":"-9007199254740993"}}"#
        ),
        ("GET", "/v1/things/a?wait=1.5s", "", #"{"name":"things/a","wait":"1.500s"}"#),
        ("GET", "/v1/things/a?tags=a+b", "", #"{"name":"things/a","tags":["a b"]}"#),
        (
            "POST", "/v1/things/a:act", #"{"label":"in body","count":2}"#,
            #"{"name":"things/a","payload":{"label":"in body","count":"2"}}"#
        ),
        ("POST", "/v1/things/a:act?page=1", "", #"{"name":"things/a","page":1}"#),
        (
            "POST", "/v1/things", #"{"name":"from body","page":5,"labels":{"k":"v"}}"#,
            #"{"name":"from body","page":5,"labels":{"k":"v"}}"#
        ),
        ("POST", "/v1/things", "", "{}"),
        ("GET", "/v1/things/a/subs/x%2Fy", "", #"{"name":"things/a","sub":{"label":"x/y"}}"#),
    ]

    @Test("binds each source into the right field", arguments: cases)
    func binding(method: String, target: String, body: String, expected: String) throws {
        #expect(sameJSON(try bind(method, target, body: body), expected))
    }

    @Test("bindings not in template order still find their fields (a binding is looked up by position first)")
    func bindingsOutOfOrder() throws {
        let table = try HTTPRouteTable(pool: try thingsPool())  // (the table keeps the pool its routes point into)
        guard case .matched(let route, let bindings) = try table.match(method: "GET", path: "/v1/things/a/subs/b")
        else { throw TranscodingError(.invalidPath, "no route") }
        #expect(bindings.map(\.fieldPath) == [["name"], ["sub", "label"]])
        func json(_ bindings: [PathBinding]) throws -> String {
            let bytes = try [UInt8]().withUnsafeBytes { empty in
                try RequestBinder().bind(
                    route: route, pathBindings: bindings, query: nil, body: empty, contentType: nil)
            }
            return String(
                decoding: try bytes.withUnsafeBytes { try ProtobufToJSON().transcode($0, as: route.method.inputType) },
                as: UTF8.self)
        }
        let expected = #"{"name":"things/a","sub":{"label":"b"}}"#
        #expect(sameJSON(try json(bindings), expected))
        #expect(sameJSON(try json(bindings.reversed()), expected))
        #expect(try json([PathBinding(fieldPath: ["nope"], value: "x")]) == "{}")  // a variable the route lacks
    }

    @Test("`+` stays `+` when queryPlusAsSpace is off")
    func plusKept() throws {
        var options = BindingOptions.defaults
        options.queryPlusAsSpace = false
        #expect(
            sameJSON(try bind("GET", "/v1/things/a?tags=a+b", options: options), #"{"name":"things/a","tags":["a+b"]}"#)
        )
    }

    @Test("unknown query parameters are skipped when asked")
    func ignoreUnknown() throws {
        var options = BindingOptions.defaults
        options.ignoreUnknownQueryParameters = true
        #expect(
            sameJSON(try bind("GET", "/v1/things/a?nope=1&page=2", options: options), #"{"name":"things/a","page":2}"#))
    }

    @Test("a raw body and its content type go into a google.api.HttpBody field")
    func httpBody() throws {
        let json = try bind("POST", "/v1/things/a:upload", body: "raw bytes", contentType: "text/plain")
        #expect(sameJSON(json, #"{"name":"things/a","raw":{"contentType":"text/plain","data":"cmF3IGJ5dGVz"}}"#))
    }

    static let errors: [(target: String, body: String, code: TranscodingError.Code, fragment: String)] = [
        ("/v1/things/a?nope=1", "", .unknownField, "nope"),
        ("/v1/things/a?page=1&page=2", "", .invalidQuery, "more than once"),
        ("/v1/things/a?name=x", "", .invalidQuery, "URL path"),
        ("/v1/things/a?labels=x", "", .invalidQuery, "map"),
        ("/v1/things/a?sub=x", "", .invalidQuery, "cannot be set from text"),
        ("/v1/things/a?page=abc", "", .invalidValue, "page"),
        ("/v1/things/a?page=99999999999", "", .invalidValue, "page"),
        ("/v1/things/a?tags=%ZZ", "", .invalidQuery, "%ZZ"),
        ("/v1/things/a?tags=%FF", "", .invalidQuery, "UTF-8"),
        ("/v1/things/a?=x", "", .invalidQuery, "empty name"),
    ]

    @Test("bad query strings are rejected with a specific error", arguments: errors)
    func queryErrors(target: String, body: String, code: TranscodingError.Code, fragment: String) throws {
        let error = try #require(throws: TranscodingError.self) { try bind("GET", target, body: body) }
        #expect(error.code == code, "\(error)")
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test("a query parameter may not set a field the body sets")
    func bodyConflict() throws {
        let whole = try #require(throws: TranscodingError.self) { try bind("POST", "/v1/things?page=1", body: "{}") }
        #expect(whole.description.contains("body"))
        let field = try #require(throws: TranscodingError.self) {
            try bind("POST", "/v1/things/a:act?payload.label=x", body: "{}")
        }
        #expect(field.description.contains("request body sets"))
    }

    @Test("routes whose variables or body name missing fields fail to compile, naming the method")
    func invalidRoutes() throws {
        let file = B.file("bad.proto", package: "bad") { file in
            file.messageType = [
                B.message("M", [B.field("id", 1, .string), B.field("list", 2, .string, repeated: true)])
            ]
            var service = Google_Protobuf_ServiceDescriptorProto()
            service.name = "S"
            service.method = [
                B.method("Get", input: ".bad.M", output: ".bad.M", httpRule: B.httpRule(2, "/v1/{missing}"))
            ]
            file.service = [service]
        }
        let pool = try DescriptorPool(fileDescriptorSet: try DescriptorSetBuilder(files: [file]).serialized())
        let error = try #require(throws: TranscodingError.self) { try HTTPRouteTable(pool: pool) }
        #expect(error.message.contains("method bad.S.Get"))
        #expect(error.message.contains("missing"))
    }
}

@Suite("Response rendering: response_body and google.api.HttpBody")
struct ResponseRendererTests {
    @Test("response_body prints only the named field; HttpBody responses come back raw")
    func rendering() throws {
        let pool = try thingsPool()
        let table = try HTTPRouteTable(pool: pool)
        guard case .matched(let act, _) = try table.match(method: "POST", path: "/v1/things/a:act"),
            case .matched(let upload, _) = try table.match(method: "POST", path: "/v1/things/a:upload")
        else {
            Issue.record("routes missing")
            return
        }
        let message = try Array(#"{"name":"n","sub":{"label":"only this"}}"#.utf8).withUnsafeBytes {
            try JSONToProtobuf().transcode($0, as: act.method.outputType)
        }
        let rendered = try message.withUnsafeBytes { try ResponseRenderer().render($0, route: act) }
        #expect(rendered == .json(Array(#"{"label":"only this"}"#.utf8)))

        let body = try Array(#"{"contentType":"text/csv","data":"YSxi"}"#.utf8).withUnsafeBytes {
            try JSONToProtobuf().transcode($0, as: upload.method.outputType)
        }
        let raw = try body.withUnsafeBytes { try ResponseRenderer().render($0, route: upload) }
        #expect(raw == .raw(contentType: "text/csv", data: Array("a,b".utf8)))
    }

    @Test(
        "appendJSON writes after what the buffer holds, the whole message or its response_body field",
        arguments: [
            ("GET", "/v1/things/a", #"{"name":"n","sub":{"label":"l"}}"#),
            ("POST", "/v1/things/a:act", #"{"label":"l"}"#),
        ])
    func appendJSON(method: String, path: String, expected: String) throws {
        let pool = try thingsPool()  // (held: the routes' descriptors belong to it)
        guard case .matched(let route, _) = try HTTPRouteTable(pool: pool).match(method: method, path: path) else {
            Issue.record("no route for \(method) \(path)")
            return
        }
        let message = try Array(#"{"name":"n","sub":{"label":"l"}}"#.utf8).withUnsafeBytes {
            try JSONToProtobuf().transcode($0, as: route.method.outputType)
        }
        var output = Array("[1,".utf8)
        try message.withUnsafeBytes { try ResponseRenderer().appendJSON($0, route: route, to: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "[1," + expected)

        // A message cut short: an error, and the buffer as it was.
        var kept = Array("[1,".utf8)
        let truncated = Array(message.dropLast())
        let error = try #require(throws: TranscodingError.self) {
            try truncated.withUnsafeBytes { try ResponseRenderer().appendJSON($0, route: route, to: &kept) }
        }
        #expect(error.code == .malformedProtobuf)
        #expect(kept == Array("[1,".utf8))
    }
}
