import DemoService
import Foundation
import Testing
import Transcoding

@testable import Gateway

@Suite("Console: the service catalog of the demo")
struct ConsoleCatalogTests {
    /// The catalog of the demo descriptors, parsed.
    static func catalog(exposedServices: Set<String>? = nil) throws -> [String: Any] {
        let pool = try DescriptorPool(fileDescriptorSet: DemoDescriptorSet.bytes)
        let routes = try HTTPRouteTable(pool: pool, services: exposedServices)
        let catalog = ServiceCatalog(pool: pool, routes: routes, exposedServices: exposedServices)
        let object = try JSONSerialization.jsonObject(with: Data(catalog.json))
        return try #require(object as? [String: Any])
    }

    static func service(_ name: String, in catalog: [String: Any]) throws -> [String: Any] {
        let services = try #require(catalog["services"] as? [[String: Any]])
        return try #require(services.first { $0["name"] as? String == name }, "no service \(name)")
    }

    static func method(_ name: String, of service: [String: Any]) throws -> [String: Any] {
        let methods = try #require(service["methods"] as? [[String: Any]])
        return try #require(methods.first { $0["name"] as? String == name }, "no method \(name)")
    }

    static func field(_ jsonName: String, of message: String, in catalog: [String: Any]) throws -> [String: Any] {
        let messages = try #require(catalog["messages"] as? [String: Any])
        let type = try #require(messages[message] as? [String: Any], "no message \(message)")
        let fields = try #require(type["fields"] as? [[String: Any]])
        return try #require(fields.first { $0["jsonName"] as? String == jsonName }, "no field \(jsonName)")
    }

    @Test("lists both demo services, in the pool's order, with their comments and every method")
    func services() throws {
        let catalog = try Self.catalog()
        let services = try #require(catalog["services"] as? [[String: Any]])
        #expect(services.compactMap { $0["name"] as? String } == ["echo.v1.EchoService", "library.v1.LibraryService"])
        let library = try Self.service("library.v1.LibraryService", in: catalog)
        #expect(library["shortName"] as? String == "LibraryService")
        #expect(library["file"] as? String == "library/v1/library.proto")
        #expect((library["comments"] as? String)?.hasPrefix("Manages shelves of books") == true)
        let names = (library["methods"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(
            names == [
                "GetShelf", "ListShelves", "GetBook", "ListBooks", "CreateBook", "UpdateBook", "DeleteBook",
                "PublishBook", "StreamBooks",
            ])
    }

    @Test("a method has its gRPC path, streaming flags, types, comments and routes")
    func getBook() throws {
        let catalog = try Self.catalog()
        let method = try Self.method("GetBook", of: try Self.service("library.v1.LibraryService", in: catalog))
        #expect(method["fullName"] as? String == "library.v1.LibraryService.GetBook")
        #expect(method["grpcPath"] as? String == "/library.v1.LibraryService/GetBook")
        #expect(method["clientStreaming"] as? Bool == false)
        #expect(method["serverStreaming"] as? Bool == false)
        #expect(method["inputType"] as? String == "library.v1.GetBookRequest")
        #expect(method["outputType"] as? String == "library.v1.Book")
        #expect(method["comments"] as? String == "Returns one book.")
        let routes = try #require(method["routes"] as? [[String: Any]])
        #expect(routes.count == 1)
        let route = try #require(routes.first)
        #expect(route["method"] as? String == "GET")
        #expect(route["path"] as? String == "/v1/{name=shelves/*/books/*}")
        #expect(route["body"] == nil)
        #expect(route["httpBodyRequest"] as? Bool == false)
        let variables = try #require(route["variables"] as? [[String: Any]])
        #expect(variables.count == 1)
        #expect(variables.first?["field"] as? String == "name")
        #expect(variables.first?["jsonPath"] as? [String] == ["name"])
        #expect(variables.first?["pattern"] as? String == "shelves/*/books/*")
        #expect(variables.first?["multiSegment"] as? Bool == true)
    }

    @Test("body selectors, nested path variables, additional bindings, streaming and rule-less methods")
    func routeShapes() throws {
        let catalog = try Self.catalog()
        let library = try Self.service("library.v1.LibraryService", in: catalog)
        let echo = try Self.service("echo.v1.EchoService", in: catalog)

        let update = try #require((try Self.method("UpdateBook", of: library)["routes"] as? [[String: Any]])?.first)
        #expect(update["method"] as? String == "PATCH")
        #expect(update["body"] as? String == "book")
        #expect(update["bodyJsonName"] as? String == "book")
        let variable = try #require((update["variables"] as? [[String: Any]])?.first)
        #expect(variable["field"] as? String == "book.name")
        #expect(variable["jsonPath"] as? [String] == ["book", "name"])

        let echoRoutes = try #require(try Self.method("Echo", of: echo)["routes"] as? [[String: Any]])
        #expect(
            echoRoutes.map { "\($0["method"] ?? "") \($0["path"] ?? "") \($0["body"] ?? "-")" } == [
                "GET /v1/echo/{message} -", "POST /v1/echo *",
            ])
        #expect((echoRoutes.first?["variables"] as? [[String: Any]])?.first?["multiSegment"] as? Bool == false)

        let expand = try Self.method("Expand", of: echo)
        #expect(expand["serverStreaming"] as? Bool == true)
        #expect(expand["clientStreaming"] as? Bool == false)

        let chat = try Self.method("Chat", of: echo)
        #expect(chat["clientStreaming"] as? Bool == true)
        #expect(chat["serverStreaming"] as? Bool == true)
        #expect((chat["routes"] as? [Any])?.isEmpty == true)

        let download = try #require((try Self.method("Download", of: echo)["routes"] as? [[String: Any]])?.first)
        #expect(download["httpBodyResponse"] as? Bool == true)
        let upload = try #require((try Self.method("Upload", of: echo)["routes"] as? [[String: Any]])?.first)
        #expect(upload["httpBodyRequest"] as? Bool == true)
    }

    @Test(
        "fields carry JSON names, types, cardinality, linked types and comments",
        arguments: [
            ("library.v1.Book", "pageCount", "int32", "singular", nil as String?),
            ("library.v1.Book", "isbn", "int64", "singular", nil),
            ("library.v1.Book", "tags", "string", "repeated", nil),
            ("library.v1.Book", "rating", "float", "optional", nil),
            ("library.v1.Book", "genre", "enum", "singular", "library.v1.Genre"),
            ("library.v1.Book", "published", "message", "optional", "google.protobuf.Timestamp"),
            ("echo.v1.EchoRequest", "nestedList", "message", "repeated", "echo.v1.EchoRequest.Nested"),
            ("echo.v1.EchoRequest", "moods", "enum", "repeated", "echo.v1.Mood"),
            ("echo.v1.ExpandRequest", "failCode", "enum", "singular", "google.rpc.Code"),
        ]
    )
    func fields(message: String, jsonName: String, type: String, cardinality: String, linked: String?) throws {
        let field = try Self.field(jsonName, of: message, in: try Self.catalog())
        #expect(field["type"] as? String == type)
        #expect(field["cardinality"] as? String == cardinality)
        #expect((field["messageType"] ?? field["enumType"]) as? String == linked)
        #expect(field["map"] == nil)
        #expect((field["comments"] as? String)?.isEmpty == false)
    }

    @Test("maps describe their key and value; map entry types are not listed")
    func maps() throws {
        let catalog = try Self.catalog()
        let attributes = try Self.field("attributes", of: "library.v1.Book", in: catalog)
        #expect(attributes["map"] as? Bool == true)
        #expect(attributes["keyType"] as? String == "string")
        #expect(attributes["type"] as? String == "string")
        #expect(attributes["name"] as? String == "attributes")

        let counters = try Self.field("counters", of: "echo.v1.EchoRequest", in: catalog)
        #expect(counters["keyType"] as? String == "int32")
        #expect(counters["type"] as? String == "int64")

        let nestedMap = try Self.field("nestedMap", of: "echo.v1.EchoRequest", in: catalog)
        #expect(nestedMap["type"] as? String == "message")
        #expect(nestedMap["messageType"] as? String == "echo.v1.EchoRequest.Nested")

        let messages = try #require(catalog["messages"] as? [String: Any])
        #expect(messages.keys.contains { $0.hasSuffix("Entry") } == false)
    }

    @Test("oneof members name their oneof; proto3 optional fields do not")
    func oneofs() throws {
        let catalog = try Self.catalog()
        #expect(try Self.field("textChoice", of: "echo.v1.EchoRequest", in: catalog)["oneof"] as? String == "choice")
        #expect(try Self.field("numberChoice", of: "echo.v1.EchoRequest", in: catalog)["oneof"] as? String == "choice")
        let note = try Self.field("note", of: "echo.v1.EchoRequest", in: catalog)
        #expect(note["oneof"] == nil)
        #expect(note["cardinality"] as? String == "optional")
        #expect(try Self.field("bigNumber", of: "echo.v1.EchoRequest", in: catalog)["name"] as? String == "big_number")
    }

    @Test("well-known types are marked, enums list their values, recursive types are listed once")
    func typeTable() throws {
        let catalog = try Self.catalog()
        let messages = try #require(catalog["messages"] as? [String: [String: Any]])
        #expect(messages["google.protobuf.Timestamp"]?["wellKnownType"] as? String == "timestamp")
        #expect(messages["google.protobuf.Duration"]?["wellKnownType"] as? String == "duration")
        #expect(messages["google.protobuf.Int32Value"]?["wellKnownType"] as? String == "int32Value")
        #expect(messages["google.api.HttpBody"]?["wellKnownType"] as? String == "httpBody")
        #expect(messages["library.v1.Book"]?["wellKnownType"] == nil)
        #expect((messages["library.v1.Book"]?["comments"] as? String) == "A book on a shelf.")
        // Struct and Value refer to each other; each appears once and the document is finite.
        #expect(messages["google.protobuf.Struct"] != nil)
        #expect(messages["google.protobuf.Value"] != nil)
        #expect(messages["google.protobuf.ListValue"] != nil)

        let enums = try #require(catalog["enums"] as? [String: [String: Any]])
        let genre = try #require(enums["library.v1.Genre"])
        let values = try #require(genre["values"] as? [[String: Any]])
        #expect(values.first?["name"] as? String == "GENRE_UNSPECIFIED")
        #expect(values.first { $0["name"] as? String == "SCIENCE_FICTION" }?["number"] as? Int == 2)
        #expect(enums["google.protobuf.NullValue"] != nil)
        #expect(enums["google.rpc.Code"] != nil)
    }

    @Test("only exposed services, and the types they use, are listed")
    func exposedServices() throws {
        let catalog = try Self.catalog(exposedServices: ["echo.v1.EchoService"])
        let services = try #require(catalog["services"] as? [[String: Any]])
        #expect(services.compactMap { $0["name"] as? String } == ["echo.v1.EchoService"])
        let messages = try #require(catalog["messages"] as? [String: Any])
        #expect(messages["echo.v1.EchoRequest"] != nil)
        #expect(messages["library.v1.Book"] == nil)
        let enums = try #require(catalog["enums"] as? [String: Any])
        #expect(enums["library.v1.Genre"] == nil)
    }
}
