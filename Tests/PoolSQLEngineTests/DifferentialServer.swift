import Foundation

/// The PostgreSQL server the differential test talks to: the one `POOLSQL_TEST_POSTGRES` names,
/// or (outside CI only) a throw-away server this process starts and stops with
/// `scripts/postgres.sh`.
struct DifferentialServer {
    var postgres: DifferentialPostgres
    var startedIn: String?

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func acquire() throws -> DifferentialServer {
        let environment = ProcessInfo.processInfo.environment
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") else {
            throw DifferentialPostgres.SetupError(description: "no /usr/bin/psql: install Debian's postgresql (scripts/setup.sh)")
        }
        if let connection = environment["POOLSQL_TEST_POSTGRES"], !connection.isEmpty {
            return DifferentialServer(postgres: DifferentialPostgres(connection: connection))
        }
        if environment["CI"] == "true" {
            throw DifferentialPostgres.SetupError(description: "CI=true but POOLSQL_TEST_POSTGRES is not set: .ci/run starts PostgreSQL with scripts/postgres.sh and exports it")
        }
        let directory = "/tmp/poolsql-pg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        let (status, output) = try script(["start", directory])
        guard status == 0 else {
            throw DifferentialPostgres.SetupError(description: "scripts/postgres.sh start failed: \(output); set POOLSQL_TEST_POSTGRES to a PostgreSQL 15 server")
        }
        let connection = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return DifferentialServer(postgres: DifferentialPostgres(connection: connection), startedIn: directory)
    }

    /// Drops the test database and stops a server this process started.
    func release() {
        try? postgres.runScript("DROP DATABASE IF EXISTS \(DifferentialServer.databaseName);\n")
        guard let startedIn else { return }
        _ = try? DifferentialServer.script(["stop", startedIn])
        try? FileManager.default.removeItem(atPath: startedIn)
    }

    static let databaseName = "poolsql_diff_\(ProcessInfo.processInfo.processIdentifier)"

    /// A new database with the fixtures of `slt/fixtures.sql` loaded.
    func freshDatabase() throws -> DifferentialPostgres {
        let name = DifferentialServer.databaseName
        try postgres.runScript("DROP DATABASE IF EXISTS \(name);\nCREATE DATABASE \(name);\n")
        let database = postgres.database(name)
        let fixtures = try String(contentsOf: SLTTests.directory.appendingPathComponent("fixtures.sql"), encoding: .utf8)
        try database.runScript(fixtures)
        return database
    }

    private static func script(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("scripts/postgres.sh").path] + arguments
        // Output goes to a file, not a pipe: the server the script leaves running would inherit
        // the pipe's write end and reading to end-of-file would never return.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-postgres-sh-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}
