import SwiftProtobuf
import Testing

@testable import Transcoding

private typealias B = DescriptorSetBuilder

/// A small library API exercising most of what the pool reads.
private func librarySet() throws -> [UInt8] {
    let file = B.file("library/v1/library.proto", package: "library.v1", dependencies: ["google/protobuf/empty.proto"])
    {
        file in
        var book = B.message(
            "Book",
            [
                B.field("name", 1, .string),
                B.field("page_count", 2, .int32),
                B.field("tags", 3, .string, repeated: true),
                B.field("scores", 4, .int32, repeated: true),
                B.field("legacy_scores", 5, .int32, repeated: true) { $0.options.packed = false },
                B.field("author", 6, .message, typeName: ".library.v1.Author"),
                B.field("genre", 7, .enum, typeName: ".library.v1.Genre"),
                B.field("rating", 8, .double) {
                    $0.proto3Optional = true
                    $0.oneofIndex = 1
                },
                B.field("isbn", 9, .string) { $0.oneofIndex = 0 },
                B.field("ean", 10, .string) { $0.oneofIndex = 0 },
                B.field("labels", 11, .message, typeName: ".library.v1.Book.LabelsEntry", repeated: true),
                B.field("custom_json", 12, .string) { $0.jsonName = "renamed" },
                B.field("deep", 536_870_911, .bool),
            ]
        )
        var oneof = Google_Protobuf_OneofDescriptorProto()
        oneof.name = "code"
        var synthetic = Google_Protobuf_OneofDescriptorProto()
        synthetic.name = "_rating"
        book.oneofDecl = [oneof, synthetic]
        var entry = B.message("LabelsEntry", [B.field("key", 1, .string), B.field("value", 2, .string)])
        entry.options.mapEntry = true
        book.nestedType = [entry]
        file.messageType = [
            book,
            B.message(
                "Author",
                [B.field("name", 1, .string), B.field("books", 2, .message, typeName: "Book", repeated: true)]),
            B.message("GetBookRequest", [B.field("name", 1, .string)]),
        ]
        var genre = Google_Protobuf_EnumDescriptorProto()
        genre.name = "Genre"
        genre.value = [("GENRE_UNSPECIFIED", 0), ("FICTION", 1), ("NOVEL", 1)].map { name, number in
            var value = Google_Protobuf_EnumValueDescriptorProto()
            value.name = name
            value.number = Int32(number)
            return value
        }
        file.enumType = [genre]
        var service = Google_Protobuf_ServiceDescriptorProto()
        service.name = "LibraryService"
        service.method = [
            B.method(
                "GetBook", input: ".library.v1.GetBookRequest", output: ".library.v1.Book",
                httpRule: B.httpRule(2, "/v1/{name=books/*}", additional: [B.httpRule(4, "/v1/books:get", body: "*")])
            ),
            B.method(
                "Delete", input: ".library.v1.GetBookRequest", output: ".google.protobuf.Empty",
                httpRule: B.httpRule(0, "", custom: (kind: "purge", path: "/v1/{name=books/*}"))
            ),
            B.method("Watch", input: ".library.v1.GetBookRequest", output: ".library.v1.Book", serverStreaming: true),
        ]
        file.service = [service]
        var location = Google_Protobuf_SourceCodeInfo.Location()
        location.path = [4, 0]
        location.leadingComments = " A book on a shelf.\n"
        var fieldLocation = Google_Protobuf_SourceCodeInfo.Location()
        fieldLocation.path = [4, 0, 2, 1]
        fieldLocation.trailingComments = " How many pages. "
        file.sourceCodeInfo.location = [location, fieldLocation]
    }
    return try DescriptorSetBuilder(files: [file]).serialized()
}

@Suite("Descriptor pool")
struct DescriptorPoolTests {
    @Test("messages, fields and their cardinality, packing and JSON names")
    func messagesAndFields() throws {
        let pool = try DescriptorPool(fileDescriptorSet: try librarySet())
        let book = try #require(pool.message(named: "library.v1.Book"))
        #expect(book.fileName == "library/v1/library.proto")
        #expect(book.comments == "A book on a shelf.")
        #expect(book.pool === pool)

        let pageCount = try #require(book.field(named: "pageCount"))
        #expect(pageCount === book.field(named: "page_count"))
        #expect(pageCount === book.field(number: 2))
        #expect(pageCount.cardinality == .singular)
        #expect(pageCount.comments == "How many pages.")

        #expect(book.field(named: "tags")?.isPacked == false)  // strings never pack
        #expect(book.field(named: "scores")?.isPacked == true)  // proto3 default
        #expect(book.field(named: "legacy_scores")?.isPacked == false)  // [packed = false]
        #expect(book.field(named: "author")?.cardinality == .optional)
        #expect(book.field(named: "author")?.messageType?.fullName == "library.v1.Author")
        #expect(book.field(named: "genre")?.enumType?.name(of: 1) == "FICTION")
        #expect(book.field(named: "rating")?.cardinality == .optional)
        #expect(book.field(named: "rating")?.oneofIndex == nil)  // synthetic oneof
        #expect(book.oneofs.map(\.name) == ["code"])
        #expect(book.oneofs.first?.fieldIndices.map { book.fields[$0].name } == ["isbn", "ean"])
        #expect(book.field(named: "labels")?.isMap == true)
        #expect(book.field(named: "renamed")?.name == "custom_json")
        #expect(book.field(number: 536_870_911)?.name == "deep")
        #expect(book.field(number: 99) == nil)

        // A relative type name resolves from the enclosing scope outwards.
        #expect(pool.message(named: "library.v1.Author")?.field(named: "books")?.messageType === book)
        let genre = try #require(pool.enumType(named: "library.v1.Genre"))
        #expect(genre.number(named: "NOVEL") == 1)
        #expect(genre.isClosed == false)
    }

    @Test("services, methods and google.api.http rules")
    func services() throws {
        let pool = try DescriptorPool(fileDescriptorSet: try librarySet())
        let method = try #require(pool.method(grpcPath: "/library.v1.LibraryService/GetBook"))
        #expect(method.fullName == "library.v1.LibraryService.GetBook")
        #expect(method.outputType.fullName == "library.v1.Book")
        #expect(
            method.httpRules == [
                HTTPRule(method: "GET", pathTemplate: "/v1/{name=books/*}"),
                HTTPRule(method: "POST", pathTemplate: "/v1/books:get", body: "*"),
            ]
        )
        let delete = try #require(pool.service(named: "library.v1.LibraryService")?.methods[1])
        #expect(delete.httpRules == [HTTPRule(method: "PURGE", pathTemplate: "/v1/{name=books/*}")])
        #expect(delete.outputType.wellKnownType == .empty)
        let watch = try #require(pool.method(grpcPath: "/library.v1.LibraryService/Watch"))
        #expect(watch.serverStreaming && watch.httpRules.isEmpty)
    }

    @Test("built-in descriptors are always there")
    func builtins() throws {
        let pool = try DescriptorPool()
        #expect(pool.message(named: "google.rpc.Status")?.field(named: "details")?.messageType?.wellKnownType == .any)
        #expect(pool.message(named: "google.rpc.BadRequest") != nil)
        #expect(pool.message(named: "google.api.HttpBody")?.wellKnownType == .httpBody)
        #expect(pool.message(typeURL: "type.googleapis.com/google.protobuf.Duration")?.wellKnownType == .duration)
        #expect(pool.message(typeURL: "no-slash") == nil)
        #expect(pool.enumType(named: "google.protobuf.NullValue")?.isNullValue == true)
    }

    @Test("a user's file replaces the built-in file of the same name; identical files load once")
    func replacingBuiltins() throws {
        let empty = B.file("google/protobuf/empty.proto", package: "google.protobuf") {
            $0.messageType = [B.message("Empty", []), B.message("Extra", [])]
        }
        let set = try DescriptorSetBuilder(files: [empty]).serialized()
        let pool = try DescriptorPool(fileDescriptorSets: [set, set])
        #expect(pool.message(named: "google.protobuf.Extra") != nil)
    }

    struct BadSet: CustomTestStringConvertible, Sendable {
        let name: String
        let files: @Sendable () -> [Google_Protobuf_FileDescriptorProto]
        let expected: String
        var testDescription: String { self.name }
    }

    static let badSets: [BadSet] = [
        BadSet(
            name: "unresolved field type",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [B.field("x", 1, .message, typeName: ".a.Missing")])]
                    }
                ]
            }, expected: "a.proto: field a.M.x has unknown type .a.Missing"),
        BadSet(
            name: "duplicate symbol across files",
            files: {
                [
                    B.file("a.proto", package: "p") { $0.messageType = [B.message("M", [])] },
                    B.file("b.proto", package: "p") { $0.messageType = [B.message("M", [])] },
                ]
            }, expected: "b.proto: p.M is already defined in a.proto"),
        BadSet(
            name: "field number zero",
            files: {
                [B.file("a.proto", package: "a") { $0.messageType = [B.message("M", [B.field("x", 0, .int32)])] }]
            }, expected: "field a.M.x has number 0, outside 1..536870911"),
        BadSet(
            name: "reserved field number",
            files: {
                [B.file("a.proto", package: "a") { $0.messageType = [B.message("M", [B.field("x", 19_500, .int32)])] }]
            }, expected: "reserved for the protobuf implementation"),
        BadSet(
            name: "field number too large",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [B.field("x", 536_870_912, .int32)])]
                    }
                ]
            }, expected: "outside 1..536870911"),
        BadSet(
            name: "duplicate field numbers",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [B.field("x", 1, .int32), B.field("y", 1, .int32)])]
                    }
                ]
            }, expected: "fields a.M.x and y share number 1"),
        BadSet(
            name: "enum type that names a message",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [B.field("x", 1, .enum, typeName: ".a.M")])]
                    }
                ]
            }, expected: "has type a.M, which is not an enum"),
        BadSet(
            name: "method with unknown input",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [])]
                        var service = Google_Protobuf_ServiceDescriptorProto()
                        service.name = "S"
                        service.method = [B.method("Do", input: ".a.Nope", output: ".a.M")]
                        $0.service = [service]
                    }
                ]
            }, expected: "a.proto: method a.S.Do: unknown input type .a.Nope"),
        BadSet(
            name: "http rule with two patterns",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [])]
                        var rule = B.httpRule(2, "/a")
                        rule += B.httpRule(4, "/b")
                        var service = Google_Protobuf_ServiceDescriptorProto()
                        service.name = "S"
                        service.method = [B.method("Do", input: ".a.M", output: ".a.M", httpRule: rule)]
                        $0.service = [service]
                    }
                ]
            }, expected: "method a.S.Do: invalid google.api.http option: the rule sets both GET and POST"),
        BadSet(
            name: "nested additional bindings",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        $0.messageType = [B.message("M", [])]
                        let nested = B.httpRule(2, "/b", additional: [B.httpRule(2, "/c")])
                        var service = Google_Protobuf_ServiceDescriptorProto()
                        service.name = "S"
                        service.method = [
                            B.method(
                                "Do", input: ".a.M", output: ".a.M", httpRule: B.httpRule(2, "/a", additional: [nested])
                            )
                        ]
                        $0.service = [service]
                    }
                ]
            }, expected: "additional_bindings may not contain additional_bindings"),
        BadSet(
            name: "map with a float key",
            files: {
                [
                    B.file("a.proto", package: "a") {
                        var message = B.message(
                            "M", [B.field("m", 1, .message, typeName: ".a.M.MEntry", repeated: true)])
                        var entry = B.message("MEntry", [B.field("key", 1, .float), B.field("value", 2, .string)])
                        entry.options.mapEntry = true
                        message.nestedType = [entry]
                        $0.messageType = [message]
                    }
                ]
            }, expected: "has a key of type float"),
        BadSet(
            name: "same file twice with different contents",
            files: {
                [
                    B.file("a.proto", package: "a") { $0.messageType = [B.message("M", [])] },
                    B.file("a.proto", package: "a") { $0.messageType = [B.message("N", [])] },
                ]
            }, expected: "a.proto is defined twice with different contents"),
    ]

    @Test("invalid descriptor sets are rejected with a message naming the file and symbol", arguments: badSets)
    func invalidSets(bad: BadSet) throws {
        let bytes = try DescriptorSetBuilder(files: bad.files()).serialized()
        let error = try #require(throws: TranscodingError.self) { try DescriptorPool(fileDescriptorSet: bytes) }
        #expect(error.code == .invalidDescriptorSet)
        #expect(error.message.contains(bad.expected), "\(error.message)")
    }

    @Test(
        "truncated and garbage bytes are rejected",
        arguments: [[0x0A, 0x10, 0x0A], [0xFF, 0xFF, 0xFF], [0x0A]] as [[UInt8]])
    func truncated(bytes: [UInt8]) throws {
        let error = try #require(throws: TranscodingError.self) { try DescriptorPool(fileDescriptorSet: bytes) }
        #expect(error.code == .invalidDescriptorSet)
        #expect(error.message.contains("not a valid binary FileDescriptorSet"))
    }

    @Test("every prefix of a real set either loads or throws; nothing traps")
    func everyPrefix() throws {
        let bytes = try librarySet()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            _ = try? DescriptorPool(fileDescriptorSet: Array(bytes[..<length]))
        }
    }
}
