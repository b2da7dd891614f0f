import Foundation
import MallocInterposerSwift

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts `malloc` calls and requested bytes with ordo-one's malloc interposer.
///
/// The interposer only sees allocations when its library's `malloc` is the one the process calls. On Linux the linker
/// lists the library before libc.so.6 among the executable's needed libraries, so its `malloc` already wins without
/// `LD_PRELOAD`; but that hangs on link order, so `prepare()` checks by counting a known number of object allocations
/// and, when they were not seen, re-executes the benchmark with the library in `LD_PRELOAD` (call it before printing).
enum AllocationCounter {
    /// Allocations and requested bytes per call.
    struct PerCall {
        var allocations: Double
        var bytes: Double

        /// The figures for one of the `count` operations a call made.
        func divided(by count: Int) -> PerCall {
            PerCall(allocations: self.allocations / Double(count), bytes: self.bytes / Double(count))
        }
    }

    /// Set by `prepare()`: whether counts are real.
    nonisolated(unsafe) private(set) static var isCounting = false
    /// Why counting is off, for the report.
    nonisolated(unsafe) private(set) static var unavailableReason = ""
    /// What the self-check counted for 1,000 objects, for the report.
    nonisolated(unsafe) private(set) static var probeCount = 0

    /// Set in the re-executed process, so a failed preload cannot loop.
    private static let reexecutedMarker = "CODEC_BENCHMARK_PRELOADED"

    /// Checks that counting works, re-executing this process with the interposer preloaded if it does not.
    /// Returns only when counting works or cannot be made to.
    static func prepare() {
        if countsKnownAllocations() {
            isCounting = true
            return
        }
        #if os(Linux)
            guard getenv(reexecutedMarker) == nil else {
                unavailableReason = "even preloaded, the interposer counted \(probeCount) mallocs for 1,000 objects"
                return
            }
            guard let library = loadedInterposerPath() else {
                unavailableReason = "libMallocInterposerSwift.so is not among the loaded libraries"
                return
            }
            let existing = getenv("LD_PRELOAD").map { ":" + String(cString: $0) } ?? ""
            setenv("LD_PRELOAD", library + existing, 1)
            setenv(reexecutedMarker, "1", 1)
            let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
            execv("/proc/self/exe", arguments)
            unavailableReason = "re-executing with LD_PRELOAD failed (errno \(errno))"
        #else
            unavailableReason = "the interposer did not see allocations; run with DYLD_INSERT_LIBRARIES"
        #endif
    }

    /// Runs `body` `calls` times with counting on; nil when counting does not work.
    static func perCall(_ calls: Int, _ body: () throws -> Int) rethrows -> PerCall? {
        guard isCounting else { return nil }
        let statistics = try counting {
            for _ in 0..<calls { sink &+= try body() }
        }
        return PerCall(
            allocations: Double(statistics.mallocCount) / Double(calls),
            bytes: Double(statistics.mallocBytesCount) / Double(calls)
        )
    }

    private static func counting(_ body: () throws -> Void) rethrows -> MallocInterposerSwift.Statistics {
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        defer { MallocInterposerSwift.unhook() }
        try body()
        return MallocInterposerSwift.getStatistics()
    }

    /// A heap object of known size, allocated in a loop by the self-check.
    private final class Probe {
        var value: Int
        init(_ value: Int) { self.value = value }
    }

    /// Global so the optimizer cannot promote the probes to the stack.
    nonisolated(unsafe) private static var probes: [Probe] = []

    /// Whether allocating 1,000 objects counts 1,000 allocations (the array's storage is reserved beforehand).
    private static func countsKnownAllocations() -> Bool {
        let expected = 1_000
        probes.reserveCapacity(expected)
        let statistics = counting {
            for index in 0..<expected { probes.append(Probe(index)) }
        }
        sink &+= probes.reduce(0) { $0 &+ $1.value }
        probes = []
        probeCount = statistics.mallocCount
        // A little slack for anything the runtime allocates on first use; a missing interposer counts zero.
        return (expected...expected + 8).contains(statistics.mallocCount)
    }

    #if os(Linux)
        /// The path of the interposer library this process loaded (with the executable, from its run path).
        private static func loadedInterposerPath() -> String? {
            guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
            for line in maps.split(separator: "\n") {
                guard let start = line.firstIndex(of: "/") else { continue }
                let path = line[start...]
                if path.hasSuffix("/libMallocInterposerSwift.so") { return String(path) }
            }
            return nil
        }
    #endif
}
