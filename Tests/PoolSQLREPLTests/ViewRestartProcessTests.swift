import Foundation
import Testing

/// Views outlive the `poolsql` process: a second run with the same --data-dir sees them.
@Suite("poolsql views across restarts")
struct ViewRestartProcessTests {
    let runner = PoolsqlProcessTests()

    @Test func viewCreatedInOneRunIsQueriedInTheNext() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-views-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let create = try runner.poolsql(["--no-init", "--data-dir", directory, "-c",
                                         "CREATE VIEW doubled (n, twice) AS SELECT g, g * 2 FROM generate_series(1, 3) g"])
        #expect(create.status == 0)
        #expect(create.standardOutput.contains("CREATE VIEW"))
        #expect(FileManager.default.fileExists(atPath: directory + "/poolsql.db"))

        let query = try runner.poolsql(["--no-init", "--data-dir", directory, "--format", "csv", "-c", "SELECT twice FROM doubled ORDER BY n"])
        #expect(query.standardOutput == "twice\n2\n4\n6\n")
        #expect(query.status == 0)

        // POOLSQL_DATA_DIR works the same way; DROP VIEW reaches the next run too.
        let drop = try runner.poolsql(["--no-init", "-c", "DROP VIEW doubled"], environment: ["POOLSQL_DATA_DIR": directory])
        #expect(drop.status == 0)
        let gone = try runner.poolsql(["--no-init", "--data-dir", directory, "-c", "SELECT * FROM doubled"])
        #expect(gone.status == 1)
        #expect(gone.standardError.contains("42P01"))
    }

    @Test func corruptViewFileStopsStartupNamingIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-views-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("{\"version\": 1, \"views\": [".utf8).write(to: URL(fileURLWithPath: directory + "/views.json"))
        let run = try runner.poolsql(["--no-init", "--data-dir", directory, "-c", "SELECT 1"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("XX001"))
        #expect(run.standardError.contains(directory + "/views.json"))
    }

    @Test func defaultDataDirectoryFollowsXDGDataHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-xdg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["XDG_DATA_HOME": home, "POOLSQL_DATA_DIR": ""]
        #expect(try runner.poolsql(["--no-init", "-c", "CREATE VIEW one AS SELECT 1 AS x"], environment: environment).status == 0)
        #expect(FileManager.default.fileExists(atPath: home + "/poolsql/poolsql.db"))
        let run = try runner.poolsql(["--no-init", "--format", "csv", "-c", "SELECT x FROM one"], environment: environment)
        #expect(run.standardOutput == "x\n1\n")
    }
}
