// PoolSQLAnalyticsBenchmark: the hourly-trend analytics query of issue 4 on PoolSQL's engine over
// a generated metrics history, timed for comparison with DuckDB and PostgreSQL. Not part of
// `swift test`; scripts/analytics-bench.sh runs it next to the other two engines.
import Foundation
import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner

/// Progress goes to stderr so stdout holds only the JSON report.
func log(_ message: String) {
    FileHandle.standardError.write(Data("PoolSQLAnalyticsBenchmark: \(message)\n".utf8))
}

/// The result as PostgreSQL's unaligned text output (`psql -A -t -F '\t'`) would show it, so the
/// driver compares all three engines the same way.
func writeResult(_ result: ResultSet, to path: String) throws {
    var text = ""
    for row in result.rows {
        text += row.map(\.description).joined(separator: "\t")
        text += "\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func runBenchmark() throws {
    let options: AnalyticsOptions
    do {
        options = try AnalyticsOptions.parse(Array(CommandLine.arguments.dropFirst()))
    } catch is AnalyticsOptions.HelpRequested {
        print(AnalyticsOptions.usage)
        return
    }

    let clock = ContinuousClock()
    let loadStart = clock.now
    let table = try MetricsCSVLoader.load(path: options.csvPath, rowLimit: options.rowLimit)
    let rowsLoaded = table.rows.count
    let loadMilliseconds = QueryTiming.milliseconds(clock.now - loadStart)
    log("loaded \(rowsLoaded) rows in \(Int(loadMilliseconds)) ms")

    let timing = QueryTiming(
        catalog: StaticCatalog(tables: ["metrics_history": table]),
        context: ExecutionContext(statementTimestamp: Timestamp(fields: .init(year: 2026, month: 1, day: 15, hour: 12))),
        planner: PhysicalPlanner(columnarAggregates: !options.rowPath))
    var report = AnalyticsReport(rowsLoaded: rowsLoaded, loadMilliseconds: loadMilliseconds)

    for candidate in options.queries {
        let sql = try String(contentsOfFile: candidate.path, encoding: .utf8)
        // One plain run first: it tells whether PoolSQL can run the query at all, and doubles as a warm-up.
        do {
            _ = try timing.run(sql)
        } catch {
            log("\(candidate.name): \(error)")
            report.attempts.append(.init(name: candidate.name, ok: false, error: error.description))
            continue
        }
        report.attempts.append(.init(name: candidate.name, ok: true))
        log("\(candidate.name): PoolSQL runs it; timing \(options.runs) runs after \(max(1, options.warmups)) warm-up(s)")
        let measured = try timing.measure(sql, runs: options.runs, warmups: max(0, options.warmups - 1))
        report.chosen = candidate.name
        report.runsMilliseconds = measured.milliseconds
        report.medianMilliseconds = QueryTiming.median(measured.milliseconds)
        report.resultRows = measured.result.rows.count
        if let path = options.resultPath {
            try writeResult(measured.result, to: path)
            report.resultFile = path
        }
        break
    }

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(report), as: UTF8.self))
}

do {
    try runBenchmark()
} catch let error as PoolSQLError {
    log(error.description + (error.hint.map { "\nHINT: \($0)" } ?? ""))
    exit(1)
} catch {
    log("\(error)")
    exit(1)
}
