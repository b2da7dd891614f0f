import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The command-line switches.
enum Flags {
    /// Skip the baselines (swift-protobuf and the linear route scan), to profile Portico alone.
    static let porticoOnly = CommandLine.arguments.contains("--portico-only")
    /// Run a fixed number of calls instead of timing, so `perf stat -e instructions` can compare builds.
    static let fixedWork = CommandLine.arguments.contains("--fixed-work")
}

/// Keeps results alive so the optimizer cannot drop the work.
nonisolated(unsafe) var sink = 0

/// CPU time used by this thread, in seconds.
func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The best rate over `trials` runs of at least `minimum` CPU seconds each, in units of work per CPU second, where
/// one call of `body` does `units` of work (bytes, route matches). The clock is read every `batch` calls so that
/// reading it does not dominate short calls. With `--fixed-work`, makes `fixedCalls` calls and returns NaN.
func bestRate(
    units: Int,
    batch: Int,
    fixedCalls: Int,
    trials: Int = 7,
    minimum: Double = 0.2,
    _ body: () throws -> Int
) rethrows -> Double {
    sink &+= try body()
    if Flags.fixedWork {
        for _ in 0..<fixedCalls { sink &+= try body() }
        return .nan
    }
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
        best = max(best, Double(units) * Double(calls) / elapsed)
    }
    return best
}

/// The best throughput in MB/s of `bytes` per call.
func throughput(bytes: Int, _ body: () throws -> Int) rethrows -> Double {
    let bytes = max(bytes, 1)
    // The fixed call count is unchanged since the first version, so instruction counts stay comparable.
    return try bestRate(units: bytes, batch: max(1, 20_000 / bytes), fixedCalls: 4_000_000 / bytes + 1, body) / 1e6
}

// MARK: Printing

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func format(_ value: Double) -> String {
    String(format: "%8.1f", value)
}

func formatRatio(_ value: Double) -> String {
    String(format: "   %5.2fx", value)
}

/// An allocation figure: one decimal below 100, whole numbers above; `-` when not measured.
func formatCount(_ value: Double?) -> String {
    guard let value else { return String(repeating: " ", count: 8) + "-" }
    return String(format: value < 100 ? "%9.1f" : "%9.0f", value)
}

/// One line of a table: what was measured, Portico's figure and the baseline's, Portico's advantage, then
/// allocations and requested bytes per operation for each (`-` when not measured).
func printRow(
    _ label: String,
    _ description: String,
    _ measure: String,
    portico: Double,
    baseline: Double,
    ratio: Double,
    porticoAllocations: AllocationCounter.PerCall?,
    baselineAllocations: AllocationCounter.PerCall?
) {
    print(
        pad(label, 8),
        pad(description, 34),
        pad(measure, 16),
        format(portico),
        format(baseline),
        formatRatio(ratio),
        formatCount(porticoAllocations?.allocations),
        formatCount(baselineAllocations?.allocations),
        formatCount(porticoAllocations?.bytes),
        formatCount(baselineAllocations?.bytes)
    )
}

/// The column headings after the first three, shared by both tables.
let figureHeadings = [" Portico", "baseline", "   ratio", " P allocs", " b allocs", "  P bytes", "  b bytes"]
