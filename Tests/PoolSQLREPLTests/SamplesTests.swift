import Foundation
import PoolSQLTestSupport
import Testing

/// Runs the scripts in `Samples/` with the real `poolsql` binary against a real SecantusDB server,
/// as a user would (`MONGODB_URI=… poolsql -f Samples/x.sql`), and checks what they print.
@Suite(.serialized) struct SamplesTests {
    static let samplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    static func sampleFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test func everySampleRunsWithoutError() throws {
        let samples = Self.sampleFiles()
        #expect(samples.contains("quickstart.sql"))
        let server = try SecantusServer()
        for sample in samples {
            let run = try PoolsqlProcessTests().poolsql(
                ["-f", Self.samplesDirectory.appendingPathComponent(sample).path],
                environment: ["MONGODB_URI": server.uri])
            #expect(run.status == 0, "\(sample) failed:\n\(run.standardError)")
            #expect(!run.standardError.contains("ERROR"), "\(sample):\n\(run.standardError)")
        }
    }

    @Test func quickstartShowsTheSizedHealthyPool() throws {
        let server = try SecantusServer()
        let run = try PoolsqlProcessTests().poolsql(
            ["-f", Self.samplesDirectory.appendingPathComponent("quickstart.sql").path, "--format", "csv"],
            environment: ["MONGODB_URI": server.uri])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        // SHOW after SET
        #expect(lines.contains("connection_pool_max_size"))
        #expect(lines.contains("50"))
        // CHECK POOL, then the pool table: name, environment, max, min, health
        #expect(lines.contains { $0.hasPrefix("quickstart,healthy,") })
        #expect(lines.contains("quickstart,development,50,1,healthy"))
        #expect(lines.contains { $0.hasPrefix("quickstart,") && $0.hasSuffix(",ok") })
        #expect(lines.contains("connection_pool_max_size,50,SET"))
        #expect(lines.contains("connection_pool_min_size,0,default"))
        // The script's pool was created with the server's URI, read from the environment.
        #expect(!run.standardOutput.contains(":'mongodb_uri'"))
        // Its load test ran 200 pings without errors and is in load_test_results.
        #expect(lines.contains { $0.hasPrefix("first_test,200,100,") }, "\(run.standardOutput)")
        // A recommendation row for the pool (which one depends on the machine's speed).
        #expect(lines.contains("category,priority,rule"))
    }

    /// Runs one sample with `--format csv` against a fresh server; its output lines.
    func csvLines(of sample: String) throws -> [String] {
        let server = try SecantusServer()
        let run = try PoolsqlProcessTests().poolsql(
            ["-f", Self.samplesDirectory.appendingPathComponent(sample).path, "--format", "csv"],
            environment: ["MONGODB_URI": server.uri])
        #expect(run.status == 0, "\(sample): \(run.standardError)")
        #expect(!run.standardError.contains("ERROR"), "\(sample): \(run.standardError)")
        return run.standardOutput.split(separator: "\n").map(String.init)
    }

    @Test func loadTestRatesEveryScenario() throws {
        let lines = try csvLines(of: "load_test.sql")
        let ratings = ["excellent", "good", "acceptable", "poor"]
        for scenario in ["normal_load", "peak_load", "stress_test", "sustained_read"] {
            // The RUN LOAD TEST row of the scenario, then its rated line.
            #expect(lines.contains { $0.contains(",load_demo,\(scenario),") }, "no run of \(scenario)")
            let rated = lines.filter { $0.hasPrefix("\(scenario),") }
            #expect(rated.count == 1, "\(scenario): \(rated)")
            #expect(rated.allSatisfy { line in ratings.contains { line.hasSuffix(",\($0)") } }, "\(rated)")
        }
        #expect(lines.contains("scenario_name,concurrent_connections,ops_per_second,target_ops_per_second,p95_ms,target_p95_ms,success_rate,utilization_peak,rating"))
        #expect(lines.contains("category,priority,rule,current_value,suggested_value"))
    }

    @Test func monitoringCategorisesThePools() throws {
        let lines = try csvLines(of: "monitoring.sql")
        // orders is fine; reports ran out of connections (checkouts timed out).
        #expect(lines.contains { $0.hasPrefix("orders,production,healthy,") && $0.hasSuffix(",ok") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("reports,analytics,healthy,") && $0.hasSuffix(",saturated") }, "\(lines)")
        #expect(lines.contains("reports,pool_sizing,high,raise_max_pool_size,4,6"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("reports,pool_sizing,medium,checkout_waits,4,") })
    }

    @Test func alertsNameTheBrokenAndTheSaturatedPool() throws {
        let lines = try csvLines(of: "alerts.sql")
        #expect(lines.contains { $0.hasPrefix("legacy,CRITICAL,\"{\"\"server not answering: ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("search,HIGH,") && $0.contains("checkouts timed out") }, "\(lines)")
        // The healthy pool raises no alert.
        #expect(!lines.contains { line in ["CRITICAL", "HIGH", "MEDIUM"].contains { line.hasPrefix("checkout,\($0),") } })
        // The message has quotes, so CSV quotes the whole line.
        #expect(lines.contains { $0.contains("CRITICAL legacy: server not answering") })
        #expect(lines.contains { $0.hasPrefix("HIGH search: ") })
    }

    @Test func poolInternalsShowsServersAndEvents() throws {
        let server = try SecantusServer()
        let run = try PoolsqlProcessTests().poolsql(
            ["-f", Self.samplesDirectory.appendingPathComponent("pool_internals.sql").path, "--format", "csv"],
            environment: ["MONGODB_URI": server.uri])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        // SecantusDB is the primary of a one-member set; CHECK POOL readied its server pool.
        #expect(lines.contains("127.0.0.1:\(server.port),RSPrimary,secantus,27,ready,t"), "\(run.standardOutput)")
        #expect(lines.contains("pool_created,,"))
        #expect(lines.contains("pool_ready,,"))
        #expect(lines.contains { $0.hasPrefix("ready,Single,0,2,0,") })
    }
}
