import Foundation
import SwiftProtobuf
import Testing

@testable import Transcoding

/// The descriptor pool of Fixtures/everything.binpb (everything.proto and proto2.proto), loaded once.
enum TranscoderFixtures {
    static let pool: DescriptorPool = {
        guard let url = Bundle.module.url(forResource: "everything", withExtension: "binpb", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let pool = try? DescriptorPool(fileDescriptorSets: [[UInt8](data)])
        else {
            fatalError("Fixtures/everything.binpb is missing or invalid; run scripts/generate-test-fixtures.sh")
        }
        return pool
    }()

    static func message(_ name: String) -> MessageDescriptor {
        guard let type = pool.message(named: name) else { fatalError("\(name) is not in the fixture pool") }
        return type
    }

    static var everything: MessageDescriptor { message("portico.test.v1.Everything") }
    static var legacy: MessageDescriptor { message("portico.test.v1.Legacy") }

    /// The descriptor of `M`, by its proto full name.
    static func descriptor<M: SwiftProtobuf.Message & _ProtoNameProviding>(of _: M.Type) -> MessageDescriptor {
        message(M.protoMessageName)
    }
}

/// Byte-level conveniences over the public API.
extension JSONToProtobuf {
    func transcode(_ json: String, as type: MessageDescriptor) throws(TranscodingError) -> [UInt8] {
        let bytes = Array(json.utf8)
        return try bytes.withTranscodingBytes { (buffer) throws(TranscodingError) in
            try self.transcode(buffer, as: type)
        }
    }
}

extension ProtobufToJSON {
    func transcode(_ bytes: [UInt8], as type: MessageDescriptor) throws(TranscodingError) -> String {
        let json = try bytes.withTranscodingBytes { (buffer) throws(TranscodingError) in
            try self.transcode(buffer, as: type)
        }
        return String(decoding: json, as: UTF8.self)
    }
}
