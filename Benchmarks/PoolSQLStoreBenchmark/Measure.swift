import Foundation

/// This process's CPU time (user + system), so the numbers mean something on a shared machine
/// where wall time includes waiting for a core.
func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall and CPU seconds of one measured piece of work.
struct Timing: Codable {
    var wall: Double
    var cpu: Double

    var wallMS: Double { wall * 1000 }
    var cpuMS: Double { cpu * 1000 }
}

/// The CPU time of the last `seconds` call.
nonisolated(unsafe) var lastCPU = 0.0

/// Wall time of `body`; its CPU time goes to `lastCPU`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    try measure(body).wall
}

/// Wall and CPU time of `body` (CPU also in `lastCPU`).
func measure(_ body: () throws -> Void) rethrows -> Timing {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let c0 = cpuNow()
    try body()
    lastCPU = cpuNow() - c0
    return Timing(wall: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, cpu: lastCPU)
}

func cpu() -> String { String(format: "cpu %.2f s", lastCPU) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func fileBytes(_ path: String) -> Int64 {
    [path, path + "-wal"].reduce(Int64(0)) { total, file in
        let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber
        return total + (size?.int64Value ?? 0)
    }
}

func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }
func rate(_ n: Int, _ s: Double) -> String { String(format: "%.0f samples/s", Double(n) / s) }
func ms(_ t: Double) -> String { String(format: "%.1f ms", t * 1000) }

/// Progress and diagnostics go to stderr; the results to stdout.
func log(_ message: String) {
    FileHandle.standardError.write(Data("PoolSQLStoreBenchmark: \(message)\n".utf8))
}

/// The machine's load average when a measurement starts (the machine is shared).
func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) == 3 ? loads.map { String(format: "%.2f", $0) }.joined(separator: " ") : "n/a"
}
