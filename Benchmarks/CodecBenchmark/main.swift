// Portico's hot paths against a baseline, in one run:
//
// - JSON <-> protobuf: Portico's descriptor-driven transcoder against swift-protobuf's generated code doing the same
//   conversion (decode + encode), on small, medium and large messages. The figures are MB/s of JSON (read for
//   JSON -> binary, written for binary -> JSON), so both sides of a row are measured on the same basis.
// - Route matching: Portico's `Router` holding 1,000 `google.api.http` templates against a linear scan that tries
//   each template in turn, on a shuffled mix of hits, 404s and 405s. The figures are thousands of matches per
//   CPU second, and ns per match.
//
//     swift run -c release CodecBenchmark
//
// Columns: `Portico` and `baseline` are the figures above (higher is better, except ns/match); `ratio` is how many
// times faster Portico is; `P allocs` / `b allocs` are `malloc` calls per operation (per conversion, per match) and
// `P bytes` / `b bytes` the bytes they requested, for Portico and the baseline.
//
// Time is this thread's CPU time (not wall-clock time), so other processes on a busy machine do not distort the
// figures, and each figure is the best of 7 runs. Allocations are counted separately, over a fixed number of calls,
// by ordo-one's malloc interposer (see AllocationCounter; on Linux the benchmark may re-execute itself with the
// interposer in LD_PRELOAD). The interposer stays in every `malloc`, adding a few ns to each on both sides.
//
// For profiling: `--portico-only` skips the baselines; `--fixed-work` runs a fixed number of calls instead of timing
// (compare `perf stat -e instructions` between builds).

import Foundation
import SwiftProtobuf
import Transcoding

func loadPool() throws -> DescriptorPool {
    let here = URL(fileURLWithPath: #filePath)
    let set = here.deletingLastPathComponent().appendingPathComponent(
        "../../Tests/TranscodingTests/Fixtures/everything.binpb"
    )
    return try DescriptorPool(fileDescriptorSets: [[UInt8](try Data(contentsOf: set.standardizedFileURL))])
}

/// Number of calls over which allocations are counted: enough to average out one-off growth, about 1 MB of JSON.
func allocationCalls(bytes: Int) -> Int {
    max(3, 1_000_000 / max(bytes, 1))
}

func runCodec<M: SwiftProtobuf.Message & Equatable>(_ label: String, _ message: M, pool: DescriptorPool) throws {
    guard let type = pool.message(named: M.protoMessageName) else {
        fatalError("\(M.protoMessageName) is not in the descriptor set")
    }
    let json: [UInt8] = try message.jsonUTF8Bytes()
    let binary: [UInt8] = try message.serializedBytes()
    let toProtobuf = JSONToProtobuf()
    let toJSON = ProtobufToJSON()

    // Both sides must agree before being timed.
    let porticoBinary = try json.withUnsafeBytes { try toProtobuf.transcode($0, as: type) }
    guard try M(serializedBytes: porticoBinary) == message else {
        fatalError("\(label): Portico JSON -> binary disagrees")
    }
    let porticoJSON = try binary.withUnsafeBytes { try toJSON.transcode($0, as: type) }
    guard try M(jsonUTF8Bytes: porticoJSON) == message else { fatalError("\(label): Portico binary -> JSON disagrees") }

    let jsonToBinaryPortico = {
        try json.withUnsafeBytes { try toProtobuf.transcode($0, as: type).count }
    }
    let jsonToBinarySwift = {
        let decoded = try M(jsonUTF8Bytes: json)
        let encoded: [UInt8] = try decoded.serializedBytes()
        return encoded.count
    }
    let binaryToJSONPortico = {
        try binary.withUnsafeBytes { try toJSON.transcode($0, as: type).count }
    }
    let binaryToJSONSwift = {
        let decoded = try M(serializedBytes: binary)
        let encoded: [UInt8] = try decoded.jsonUTF8Bytes()
        return encoded.count
    }

    let directions = [
        ("JSON -> binary", json.count, jsonToBinaryPortico, jsonToBinarySwift),
        ("binary -> JSON", porticoJSON.count, binaryToJSONPortico, binaryToJSONSwift),
    ]
    for (index, (direction, bytes, portico, swift)) in directions.enumerated() {
        let porticoRate = try throughput(bytes: bytes, portico)
        let swiftRate = Flags.porticoOnly ? .nan : try throughput(bytes: bytes, swift)
        let calls = allocationCalls(bytes: bytes)
        printRow(
            index == 0 ? label : "",
            index == 0 ? "\(json.count) B JSON / \(binary.count) B binary" : "",
            direction,
            portico: porticoRate,
            baseline: swiftRate,
            ratio: porticoRate / swiftRate,
            porticoAllocations: try AllocationCounter.perCall(calls, portico),
            baselineAllocations: Flags.porticoOnly ? nil : try AllocationCounter.perCall(calls, swift)
        )
    }
}

AllocationCounter.prepare()
let pool = try loadPool()
print(
    "JSON <-> protobuf: MB/s of JSON per CPU second, best of 7 runs; Portico vs swift-protobuf generated code",
    "(decode + encode)"
)
if AllocationCounter.isCounting {
    print(
        "Allocations: malloc calls and requested bytes per operation (self-check: 1,000 objects counted as",
        "\(AllocationCounter.probeCount) mallocs)")
} else {
    print("Allocations: not counted, \(AllocationCounter.unavailableReason)")
}
print(pad("message", 8), pad("size", 34), pad("direction", 16), figureHeadings.joined(separator: " "))
try runCodec("small", makeBook(42), pool: pool)
try runCodec("medium", makeShelf(7), pool: pool)
try runCodec("large", makeLibrary(shelves: 800), pool: pool)
try runRouting()
if sink == 42 { print("") }
