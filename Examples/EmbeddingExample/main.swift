// An app that embeds PoolSQL: it creates two pools, runs its own traffic through them (from
// async code and from a plain thread), load-tests one, and asks the engine about them in SQL.
//
// Run:  swift run EmbeddingExample mongodb://127.0.0.1:27017
//       (or MONGODB_URI=…; EmbeddingExampleTests runs it against SecantusDB in CI)
import Foundation
import PoolSQL
import Synchronization

/// Counts pool events delivered to the engine-wide subscription.
final class EventCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func record(_ event: PoolEvent) {
        counts.withLock { $0[event.type.rawValue, default: 0] += 1 }
    }

    func count(of type: String) -> Int { counts.withLock { $0[type] ?? 0 } }
}

/// A result's rows as `a,b,c` lines, after a header line.
func printRows(_ title: String, _ result: QueryResult) {
    print("-- \(title)")
    print(result.columns.map(\.name).joined(separator: ","))
    for row in result.rows { print(row.map(\.description).joined(separator: ",")) }
}

let uri = CommandLine.arguments.dropFirst().first
    ?? ProcessInfo.processInfo.environment["MONGODB_URI"]
    ?? "mongodb://127.0.0.1:27017"

do {
    let engine = try Engine()
    defer { engine.shutdown() }
    let events = EventCounter()
    let subscription = engine.subscribeToPoolEvents { events.record($0) }
    defer { subscription.cancel() }

    // Pools are created with the same options CREATE POOL takes.
    let orders = try engine.createPool(name: "orders", uri: uri, environment: "example",
                                       options: ["max_pool_size": .int(8), "app_name": .text("embedding-example")])
    let analytics = try engine.createPool(name: "analytics", uri: uri, environment: "example",
                                          options: ["max_pool_size": .int(4)])

    // From async code, the async overloads run each blocking driver call on a thread of its own.
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for n in 0..<25 {
                    _ = try await orders.runCommand(
                        database: "embedding_example",
                        commandJSON: #"{"insert": "orders", "documents": [{"worker": \#(worker), "n": \#(n)}]}"#)
                }
            }
        }
        try await group.waitForAll()
    }

    // From a plain thread, the blocking API: one checked-out connection for several commands.
    let finished = DispatchSemaphore(value: 0)
    let reader = Thread {
        defer { finished.signal() }
        do {
            try analytics.withConnection { connection in
                for _ in 0..<20 {
                    _ = try connection.runCommand(database: "embedding_example", commandJSON: #"{"count": "orders"}"#)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("analytics reader failed: \(error)\n".utf8))
        }
    }
    reader.start()
    finished.wait()

    // The engine samples its pools into the metrics history every metrics_sample_interval in
    // the background; an app can also take a sample now (here: right after its traffic).
    try engine.sampleMetricsNow()

    // The engine answers SQL about its pools.
    let session = engine.makeSession()
    printRows("pools", try session.execute("""
        SELECT pool_name, environment, max_pool_size, operations_total, errors_total, health_status IN ('healthy', 'initializing') AS ok
        FROM mongodb_connection_pools ORDER BY pool_name
        """)[0])

    // A short load test through the same engine (the Swift form of RUN LOAD TEST), then what
    // the engine makes of the pools.
    let report = try session.runLoadTest(
        pool: "analytics", scenario: "embedded",
        options: LoadTestOptions(concurrency: 8, durationMilliseconds: 1000, operation: .find, database: "embedding_example"))
    print("-- load test \(report.result.testID): \(report.result.totalOperations > 0 ? "ran" : "did not run")")
    printRows("load test", try session.execute("""
        SELECT scenario_name, concurrent_connections, total_operations > 0 AS ran, success_rate > 0 AS succeeded, peak_connections_used <= 4 AS within_pool
        FROM load_test_results
        """)[0])
    printRows("recommendations", try session.execute("""
        SELECT pool_name, category, priority, rule FROM connection_pool_recommendations ORDER BY priority_rank, pool_name, rule
        """)[0])

    printRows("history", try session.execute("""
        SELECT pool_name, SUM(operations) AS operations, MAX(total_connections) > 0 AS had_connections
        FROM connection_pool_metrics
        WHERE metric_timestamp > now() - INTERVAL '1 hour'
        GROUP BY pool_name ORDER BY pool_name
        """)[0])

    print("-- events")
    print("connection_checked_out,\(events.count(of: "connection_checked_out") > 0)")

    _ = try orders.runCommand(database: "embedding_example", commandJSON: #"{"drop": "orders"}"#)
} catch {
    FileHandle.standardError.write(Data("embedding example failed: \(error)\n".utf8))
    exit(1)
}
