// The metrics history's numbers for issue 5 (scripts/store-bench.sh, scripts/history-bench.sh;
// docs/store-benchmark.md, docs/history-benchmark.md): the embedded store's ingest, read and
// size (section `store`), the sketch text form (`sketch`), the sampler's work per pool per tick
// (`sampler`) and the hourly-trend query through the engine over the store (`trend`; DuckDB
// runs next to it in history-bench.sh). Not part of `swift test`; nothing asserts on timings.
import Foundation
import PoolSQLCore
import PoolSQLStore

let options = Options(CommandLine.arguments)
try? FileManager.default.removeItem(atPath: options.directory)
defer { if !options.keep { try? FileManager.default.removeItem(atPath: options.directory) } }

do {
    try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
    var report = Report(sqliteVersion: SQLiteStore.sqliteVersion, loadAverageAtStart: loadAverage())
    print("PoolSQLStoreBenchmark: SQLite \(SQLiteStore.sqliteVersion), sections \(options.sections.map(\.rawValue).joined(separator: ","))")
    for section in options.sections {
        switch section {
        case .store: try runStoreSection(options, &report)
        case .sketch: try runSketchSection(&report)
        case .sampler: try runSamplerSection(options, &report)
        case .trend: try runTrendSection(options, &report)
        }
    }
    if let path = options.jsonPath { try report.write(to: path) }
} catch {
    print("PoolSQLStoreBenchmark failed: \(error)")
    exit(1)
}
