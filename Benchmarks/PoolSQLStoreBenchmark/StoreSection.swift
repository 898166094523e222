import Foundation
import PoolSQLCore
import PoolSQLStore

/// Ingest rate by batch size, reading a million samples back (with and without their
/// sketches), bytes per million samples raw and after rollup, and the projected size of a year
/// of 20 pools at 10 s with the default retention.
func runStoreSection(_ options: Options, _ report: inout Report) throws {
    let pools = GeneratedHistory.pools, interval = GeneratedHistory.interval, start = GeneratedHistory.start
    var numbers = Report.Store()
    print("— store: \(options.samples) samples, \(pools) pools at 10 s (load average \(loadAverage()))")
    // Ingest by batch size, each into a fresh file.
    for (batchSize, count) in [(1, 20_000), (20, 200_000), (1000, options.samples)] {
        let path = options.directory + "/ingest-\(batchSize).sqlite"
        let store = try SQLiteStore(path: path)
        let rows = (0..<count).map(GeneratedHistory.sample)
        let timing = try measure {
            var i = 0
            while i < rows.count {
                try store.append(Array(rows[i..<min(i + batchSize, rows.count)]))
                i += batchSize
            }
        }
        numbers.ingest.append(.init(batchSize: batchSize, samples: count, timing: timing))
        print("ingest, batches of \(batchSize): \(rate(count, timing.wall)) (\(count) samples in \(String(format: "%.2f", timing.wall)) s, \(cpu()): \(rate(count, timing.cpu)) per CPU second)")
        if batchSize != 1000 { store.close() ; continue }

        // The million-sample file: read it back, then its size raw and after rollup.
        store.close()
        let rawBytes = fileBytes(path)
        let reopened = try SQLiteStore(path: path)
        var read = 0
        let cold = try measure { read = try reopened.samples(.all).count }
        let warm = try measure { read = try reopened.samples(.all).count }
        numbers.readWithSketch = warm
        print("read all \(read) samples with their sketches: \(String(format: "%.2f", cold.wall)) s first (cpu \(String(format: "%.2f", cold.cpu)) s), \(String(format: "%.2f", warm.wall)) s again (\(cpu()); \(rate(read, warm.cpu)) per CPU second)")
        let noSketch = MetricsQuery(includeLatencySketch: false)
        _ = try reopened.samples(noSketch).count
        let light = try measure { read = try reopened.samples(noSketch).count }
        numbers.readWithoutSketch = light
        print("read all \(read) samples without sketches (includeLatencySketch: false): \(String(format: "%.2f", light.wall)) s (\(cpu()); \(rate(read, light.cpu)) per CPU second) — \(String(format: "%.1f", warm.cpu / light.cpu))× less CPU")
        let lastTick = Int64(count / pools - 1)
        let lastHour = MetricsQuery(from: Timestamp(microseconds: start + lastTick * interval - 3_600_000_000 + interval))
        var hourRows = 0
        let hourTime = try seconds { hourRows = try reopened.samples(lastHour).count }
        print("last hour (\(hourRows) samples) of the \(count)-sample history: \(String(format: "%.2f", hourTime * 1000)) ms (cpu \(String(format: "%.2f", lastCPU * 1000)) ms); plan: \(try reopened.samplesQueryPlan(lastHour).joined(separator: "; "))")
        var latestRows = 0
        let latestTime = try seconds { latestRows = try reopened.samples(MetricsQuery(latestPerPoolAndInstance: true)).count }
        print("latest sample per pool and instance (\(latestRows) rows) over the whole history: \(String(format: "%.2f", latestTime * 1000)) ms (cpu \(String(format: "%.2f", lastCPU * 1000)) ms)")
        let perMillionRaw = Double(rawBytes) * 1_000_000 / Double(count)
        numbers.bytesPerSampleRaw = Double(rawBytes) / Double(count)
        numbers.bytesPerMillionRaw = perMillionRaw
        print("on disk: \(mib(Double(rawBytes))) for \(count) samples = \(mib(perMillionRaw)) per million samples (\(Int(Double(rawBytes) / Double(count))) B/sample)")

        // Roll everything up, then drop the raw rows: what remains is the rollups alone.
        let end = Timestamp(microseconds: start + (lastTick + 1) * interval + 2 * 86_400_000_000)
        var maintenance = MaintenanceReport()
        let rollupTime = try seconds { maintenance = try reopened.maintain(now: end, policy: RetentionPolicy(rawRetentionMicroseconds: Int64.max / 4)) }
        print("maintain (rollups of \(count) samples): \(maintenance.hourlyRollupsWritten) hourly + \(maintenance.dailyRollupsWritten) daily rows in \(String(format: "%.2f", rollupTime)) s (\(cpu()))")
        let dropRaw = RetentionPolicy(rawRetentionMicroseconds: 0, maxSizeBytes: Int64.max, deleteBatchSize: 100_000)
        var rounds = 0
        let dropTime = try seconds {
            repeat { maintenance = try reopened.maintain(now: end, policy: dropRaw); rounds += 1 } while maintenance.moreToDelete
        }
        let statistics = try reopened.statistics()
        let emptyStore = try SQLiteStore(path: options.directory + "/empty.sqlite")
        let emptyBytes = try emptyStore.statistics().sizeBytes
        emptyStore.close()
        let rollupBytes = Double(statistics.sizeBytes - emptyBytes)
        let rollupRows = Double(statistics.hourlyRollups + statistics.dailyRollups)
        let perRollup = rollupBytes / rollupRows
        numbers.bytesPerRollupRow = perRollup
        numbers.rollupShareOfRaw = rollupBytes / Double(rawBytes)
        print("retention of \(count) raw rows in batches of 100000: \(rounds) maintain calls, \(String(format: "%.2f", dropTime)) s (\(cpu()))")
        print("after rollup: \(mib(rollupBytes)) for \(statistics.hourlyRollups) hourly + \(statistics.dailyRollups) daily rows (\(Int(perRollup)) B/row) — the same \(count) samples in \(String(format: "%.1f", 100 * rollupBytes / Double(rawBytes))) % of the raw size")
        reopened.close()

        // A year of 20 pools at 10 s with the default retention: 7 days raw, 365 days hourly + daily.
        let raw = Double(pools * 8640 * 7)
        let hourly = Double(pools * 24 * 365)
        let daily = Double(pools * 365)
        let projected = raw * Double(rawBytes) / Double(count) + (hourly + daily) * perRollup + Double(emptyBytes)
        numbers.projectedYearBytes = projected
        print("projected, a year of 20 pools at 10 s (\(Int(raw)) raw + \(Int(hourly)) hourly + \(Int(daily)) daily rows): \(mib(projected)) — \(projected < 1_073_741_824 ? "under" : "OVER") 1 GiB")
    }
    report.store = numbers
}
