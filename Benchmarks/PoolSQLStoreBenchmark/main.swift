// The embedded store's numbers for issue 5 (scripts/store-bench.sh; docs/store-benchmark.md):
// ingest rate by batch size, reading a million samples back, bytes per million samples raw
// and after rollup, and the projected size of a year of 20 pools at 10 s with the default
// retention. Not part of `swift test`.
import Foundation
import PoolSQLCore
import PoolSQLStore

struct Options {
    var samples = 1_000_000
    var directory = NSTemporaryDirectory() + "poolsql-store-bench-\(getpid())"
    var keep = false

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--samples": samples = rest.popFirst().flatMap { Int($0) } ?? samples
            case "--dir": directory = rest.popFirst() ?? directory
            case "--keep": keep = true
            default:
                print("usage: PoolSQLStoreBenchmark [--samples N] [--dir DIR] [--keep]")
                exit(2)
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let pools = 20
let interval: Int64 = 10_000_000
let start: Int64 = 1_767_571_200_000_000  // 2026-01-05 00:00 UTC

/// Latency sketches like a busy pool's 10 s interval: ~200 operations, log-normal around 3 ms
/// (most between 0.5 and 20 ms). A fixed set, reused, so generating them is not what is timed.
func makeSketches(_ n: Int) -> [LatencySketch] {
    var state: UInt64 = 0x5EED
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }
    return (0..<n).map { _ in
        var sketch = LatencySketch()
        for _ in 0..<200 {
            let normal = sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform())
            sketch.record(exp(log(3.0) + 0.6 * normal))
        }
        return sketch
    }
}

let sketches = makeSketches(997)

func sample(_ index: Int) -> MetricsSample {
    let tick = Int64(index / pools)
    let pool = index % pools
    return MetricsSample(
        timestamp: Timestamp(microseconds: start + tick * interval, kind: .timestamptz), poolName: "pool-\(pool)",
        environment: "prod", instanceID: "app-host-01:4242", totalConnections: 20 + index % 5,
        activeConnections: index % 17, availableConnections: 20 - index % 17, pendingConnections: index % 3,
        waitQueueLength: index % 4, maxPoolSize: 50, connectionUtilization: Double(index % 17) / 50,
        avgOperationTime: 3.4, p95OperationTime: 8.1, p99OperationTime: 13.7, errorRate: index % 50 == 0 ? 0.005 : 0,
        healthStatus: "healthy", operations: 200, errors: index % 50 == 0 ? 1 : 0, checkoutFailures: 0,
        connectionsCreated: index % 7 == 0 ? 1 : 0, connectionsDestroyed: index % 11 == 0 ? 1 : 0,
        avgCheckoutWaitMS: 0.12, latencySketch: sketches[index % sketches.count])
}

/// This process's CPU time (user + system), so the numbers mean something on a shared machine
/// where wall time includes waiting for a core.
func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The CPU time of the last `seconds` call.
nonisolated(unsafe) var lastCPU = 0.0

/// Wall time of `body`; its CPU time goes to `lastCPU`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let c0 = cpuNow()
    try body()
    lastCPU = cpuNow() - c0
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func cpu() -> String { String(format: "cpu %.2f s", lastCPU) }

func fileBytes(_ path: String) -> Int64 {
    [path, path + "-wal"].reduce(Int64(0)) { total, file in
        let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber
        return total + (size?.int64Value ?? 0)
    }
}

func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }
func rate(_ n: Int, _ s: Double) -> String { String(format: "%.0f samples/s", Double(n) / s) }

try? FileManager.default.removeItem(atPath: options.directory)
defer { if !options.keep { try? FileManager.default.removeItem(atPath: options.directory) } }

do {
    print("PoolSQLStoreBenchmark: SQLite \(SQLiteStore.sqliteVersion), \(options.samples) samples, \(pools) pools at 10 s")

    // Ingest by batch size, each into a fresh file.
    for (batchSize, count) in [(1, 20_000), (20, 200_000), (1000, options.samples)] {
        let path = options.directory + "/ingest-\(batchSize).sqlite"
        let store = try SQLiteStore(path: path)
        let rows = (0..<count).map(sample)
        let elapsed = try seconds {
            var i = 0
            while i < rows.count {
                try store.append(Array(rows[i..<min(i + batchSize, rows.count)]))
                i += batchSize
            }
        }
        print("ingest, batches of \(batchSize): \(rate(count, elapsed)) (\(count) samples in \(String(format: "%.2f", elapsed)) s, \(cpu()): \(rate(count, lastCPU)) per CPU second)")
        if batchSize != 1000 { store.close() ; continue }

        // The million-sample file: read it back, then its size raw and after rollup.
        store.close()
        let rawBytes = fileBytes(path)
        let reopened = try SQLiteStore(path: path)
        var read = 0
        let cold = try seconds { read = try reopened.samples(.all).count }
        let coldCPU = lastCPU
        let warm = try seconds { read = try reopened.samples(.all).count }
        print("read all \(read) samples: \(String(format: "%.2f", cold)) s first (cpu \(String(format: "%.2f", coldCPU)) s), \(String(format: "%.2f", warm)) s again (\(cpu()); \(rate(read, lastCPU)) per CPU second)")
        let lastTick = Int64(count / pools - 1)
        let lastHour = MetricsQuery(from: Timestamp(microseconds: start + lastTick * interval - 3_600_000_000 + interval))
        var hourRows = 0
        let hourTime = try seconds { hourRows = try reopened.samples(lastHour).count }
        print("last hour (\(hourRows) samples) of the \(count)-sample history: \(String(format: "%.2f", hourTime * 1000)) ms (cpu \(String(format: "%.2f", lastCPU * 1000)) ms); plan: \(try reopened.samplesQueryPlan(lastHour).joined(separator: "; "))")
        var latestRows = 0
        let latestTime = try seconds { latestRows = try reopened.samples(MetricsQuery(latestPerPoolAndInstance: true)).count }
        print("latest sample per pool and instance (\(latestRows) rows) over the whole history: \(String(format: "%.2f", latestTime * 1000)) ms (cpu \(String(format: "%.2f", lastCPU * 1000)) ms)")
        let perMillionRaw = Double(rawBytes) * 1_000_000 / Double(count)
        print("on disk: \(mib(Double(rawBytes))) for \(count) samples = \(mib(perMillionRaw)) per million samples (\(Int(Double(rawBytes) / Double(count))) B/sample)")

        // Roll everything up, then drop the raw rows: what remains is the rollups alone.
        let end = Timestamp(microseconds: start + (lastTick + 1) * interval + 2 * 86_400_000_000)
        var report = MaintenanceReport()
        let rollupTime = try seconds { report = try reopened.maintain(now: end, policy: RetentionPolicy(rawRetentionMicroseconds: Int64.max / 4)) }
        print("maintain (rollups of \(count) samples): \(report.hourlyRollupsWritten) hourly + \(report.dailyRollupsWritten) daily rows in \(String(format: "%.2f", rollupTime)) s (\(cpu()))")
        let dropRaw = RetentionPolicy(rawRetentionMicroseconds: 0, maxSizeBytes: Int64.max, deleteBatchSize: 100_000)
        var rounds = 0
        let dropTime = try seconds {
            repeat { report = try reopened.maintain(now: end, policy: dropRaw); rounds += 1 } while report.moreToDelete
        }
        let statistics = try reopened.statistics()
        let emptyStore = try SQLiteStore(path: options.directory + "/empty.sqlite")
        let emptyBytes = try emptyStore.statistics().sizeBytes
        emptyStore.close()
        let rollupBytes = Double(statistics.sizeBytes - emptyBytes)
        let rollupRows = Double(statistics.hourlyRollups + statistics.dailyRollups)
        let perRollup = rollupBytes / rollupRows
        print("retention of \(count) raw rows in batches of 100000: \(rounds) maintain calls, \(String(format: "%.2f", dropTime)) s (\(cpu()))")
        print("after rollup: \(mib(rollupBytes)) for \(statistics.hourlyRollups) hourly + \(statistics.dailyRollups) daily rows (\(Int(perRollup)) B/row) — the same \(count) samples in \(String(format: "%.1f", 100 * rollupBytes / Double(rawBytes))) % of the raw size")
        reopened.close()

        // A year of 20 pools at 10 s with the default retention: 7 days raw, 365 days hourly + daily.
        let raw = Double(pools * 8640 * 7)
        let hourly = Double(pools * 24 * 365)
        let daily = Double(pools * 365)
        let projected = raw * Double(rawBytes) / Double(count) + (hourly + daily) * perRollup + Double(emptyBytes)
        print("projected, a year of 20 pools at 10 s (\(Int(raw)) raw + \(Int(hourly)) hourly + \(Int(daily)) daily rows): \(mib(projected)) — \(projected < 1_073_741_824 ? "under" : "OVER") 1 GiB")
    }
} catch {
    print("PoolSQLStoreBenchmark failed: \(error)")
    exit(1)
}
