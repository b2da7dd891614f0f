// Throughput of Portico's descriptor-driven transcoder against swift-protobuf's generated code doing the same
// conversion (decode + encode), on small, medium and large messages.
//
//     swift run -c release CodecBenchmark
//
// MB/s counts JSON bytes (read for JSON -> binary, written for binary -> JSON), so both sides of a row are
// measured on the same basis. Time is this thread's CPU time (not wall-clock time), so other processes on a
// busy machine do not distort the figures, and each figure is the best of several runs.
// For profiling: `--portico-only` skips swift-protobuf; `--fixed-work` runs a fixed number of calls instead of
// timing (compare `perf stat -e instructions` between builds). `--portico-only` skips swift-protobuf (for profiling Portico alone).

import Foundation
import SwiftProtobuf
import Transcoding

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: Messages

func makeBook(_ index: Int) -> Portico_Test_V1_Book {
    var book = Portico_Test_V1_Book()
    book.name = "shelves/\(index / 10)/books/\(index)"
    book.title = "The Left Hand of Darkness, vol. \(index)"
    book.author = "Ursula K. Le Guin"
    book.pageCount = Int32(200 + index % 300)
    book.inPrint = index % 3 != 0
    book.rating = 3.5 + Double(index % 7) / 4
    book.published = Google_Protobuf_Timestamp(seconds: -37_000_000 + Int64(index) * 86_400, nanos: 0)
    return book
}

func makeShelf(_ index: Int) -> Portico_Test_V1_Shelf {
    var shelf = Portico_Test_V1_Shelf()
    shelf.name = "shelves/\(index)"
    shelf.theme = "Science fiction \u{2014} the classics"
    shelf.books = (0..<5).map { makeBook(index * 5 + $0) }
    shelf.labels = ["floor": "2", "section": "B\(index % 9)", "curator": "Ada", "lang": "en"]
    shelf.counts = (0..<10).map { Int64($0) * 1_234_567 + Int64(index) }
    shelf.retention = Google_Protobuf_Duration(seconds: 86_400 * 30, nanos: 500_000_000)
    shelf.color = .blue
    shelf.checksum = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ index) })
    return shelf
}

func makeLibrary(shelves: Int) -> Portico_Test_V1_Library {
    var library = Portico_Test_V1_Library()
    library.shelves = (0..<shelves).map(makeShelf)
    return library
}

// MARK: Measurement

/// Keeps results alive so the optimizer cannot drop the work.
nonisolated(unsafe) var sink = 0

/// CPU time used by this thread, in seconds.
func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The best throughput over `trials` runs of at least `minimum` seconds of CPU each, in MB/s of `bytes` per call.
func throughput(bytes: Int, trials: Int = 7, minimum: Double = 0.2, _ body: () throws -> Int) rethrows -> Double {
    sink &+= try body()
    if CommandLine.arguments.contains("--fixed-work") {
        for _ in 0..<(4_000_000 / max(bytes, 1) + 1) { sink &+= try body() }
        return .nan
    }
    // Calls per clock reading, so that reading the clock does not dominate small messages.
    let batch = max(1, 20_000 / max(bytes, 1))
    var best = 0.0
    for _ in 0..<trials {
        var calls = 0
        let start = threadCPUTime()
        var elapsed = 0.0
        while elapsed < minimum {
            for _ in 0..<batch { sink &+= try body() }
            calls += batch
            elapsed = threadCPUTime() - start
        }
        best = max(best, Double(bytes) * Double(calls) / elapsed / 1e6)
    }
    return best
}

func loadPool() throws -> DescriptorPool {
    let here = URL(fileURLWithPath: #filePath)
    let set = here.deletingLastPathComponent().appendingPathComponent(
        "../../Tests/TranscodingTests/Fixtures/everything.binpb"
    )
    return try DescriptorPool(fileDescriptorSets: [[UInt8](try Data(contentsOf: set.standardizedFileURL))])
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func format(_ value: Double) -> String {
    String(format: "%8.1f", value)
}

func run<M: SwiftProtobuf.Message & Equatable>(_ label: String, _ message: M, pool: DescriptorPool) throws {
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

    let jsonToBinaryPortico = try throughput(bytes: json.count) {
        try json.withUnsafeBytes { try toProtobuf.transcode($0, as: type).count }
    }
    let porticoOnly = CommandLine.arguments.contains("--portico-only")
    let jsonToBinarySwift =
        porticoOnly
        ? .nan
        : try throughput(bytes: json.count) {
            let decoded = try M(jsonUTF8Bytes: json)
            let encoded: [UInt8] = try decoded.serializedBytes()
            return encoded.count
        }
    let binaryToJSONPortico = try throughput(bytes: porticoJSON.count) {
        try binary.withUnsafeBytes { try toJSON.transcode($0, as: type).count }
    }
    let binaryToJSONSwift =
        porticoOnly
        ? .nan
        : try throughput(bytes: porticoJSON.count) {
            let decoded = try M(serializedBytes: binary)
            let encoded: [UInt8] = try decoded.jsonUTF8Bytes()
            return encoded.count
        }

    let sizes = "\(json.count) B JSON / \(binary.count) B binary"
    print(
        pad(label, 8),
        pad(sizes, 34),
        "JSON -> binary  ",
        format(jsonToBinaryPortico),
        format(jsonToBinarySwift),
        String(format: "   %5.2fx", jsonToBinaryPortico / jsonToBinarySwift)
    )
    print(
        pad("", 8),
        pad("", 34),
        "binary -> JSON  ",
        format(binaryToJSONPortico),
        format(binaryToJSONSwift),
        String(format: "   %5.2fx", binaryToJSONPortico / binaryToJSONSwift)
    )
}

let pool = try loadPool()
print("MB/s of JSON per CPU second; best of 7 runs; Portico vs swift-protobuf generated code (decode + encode)")
print(pad("message", 8), pad("size", 34), "direction       ", " Portico", "   swift", "   ratio")
try run("small", makeBook(42), pool: pool)
try run("medium", makeShelf(7), pool: pool)
try run("large", makeLibrary(shelves: 800), pool: pool)
if sink == 42 { print("") }
