import DemoService
import SwiftProtobuf
import Testing

@Suite("The demo's embedded descriptor set")
struct DemoDescriptorSetTests {
    @Test("It holds the demo protos with their comments, after the files they import")
    func contents() throws {
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: DemoDescriptorSet.bytes)
        let names = set.file.map(\.name)
        for required in [
            "google/api/annotations.proto", "google/api/http.proto", "google/api/httpbody.proto",
            "google/protobuf/descriptor.proto", "google/rpc/code.proto", "echo/v1/echo.proto",
            "library/v1/library.proto",
        ] {
            #expect(names.contains(required), "missing \(required)")
        }
        // --include_imports lists every file after its imports.
        for (index, file) in set.file.enumerated() {
            for dependency in file.dependency {
                #expect(
                    names.firstIndex(of: dependency).map { $0 < index } == true, "\(file.name) before \(dependency)")
            }
        }
        let echo = try #require(set.file.first { $0.name == "echo/v1/echo.proto" })
        #expect(echo.service.map(\.name) == ["EchoService"])
        #expect(
            echo.service[0].method.map(\.name) == [
                "Echo", "Expand", "Fail", "Sleep", "Collect", "Chat", "Download", "Upload", "Headers",
            ]
        )
        let comments = echo.sourceCodeInfo.location.map(\.leadingComments)
        #expect(comments.contains(" Echoes, streams, fails and sleeps on demand.\n"))
    }
}
