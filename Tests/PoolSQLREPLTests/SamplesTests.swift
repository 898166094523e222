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
