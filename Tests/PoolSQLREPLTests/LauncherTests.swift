import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLREPL
import Testing

@Suite("Launcher")
struct LauncherTests {
    let executor = FakeExecutor()
    let output = StringSink()
    let errors = StringSink()

    func launcher(_ options: LaunchOptions, home: String = "/nonexistent-home", createDefaultPool: Launcher.PoolCreator? = nil) -> Launcher {
        Launcher(
            options: options, executor: executor, createDefaultPool: createDefaultPool,
            output: output, errors: errors, environment: ["HOME": home], standardInputIsTerminal: false
        )
    }

    @Test func createPoolStatementQuotesTheURIAndTheName() {
        #expect(Launcher.createPoolStatement(uri: "mongodb://h:27017/?appName=it's") == "CREATE POOL \"default\" URI 'mongodb://h:27017/?appName=it''s'")
    }

    @Test func uriCreatesTheDefaultPoolBeforeCommandsWithoutPrintingIt() {
        let status = launcher(LaunchOptions(commands: ["SELECT 1"], uri: "mongodb://a'b")).run()
        #expect(status == 0)
        #expect(executor.executed == ["CREATE POOL \"default\" URI 'mongodb://a''b'", "SELECT 1"])
        #expect(!output.text.contains("CREATE"))
    }

    @Test func uriUsesThePoolCreatorHookWhenGiven() {
        let created = EventLog()
        let status = launcher(LaunchOptions(commands: ["SELECT 1"], uri: "mongodb://x"), createDefaultPool: { uri in
            created.append(uri)
        }).run()
        #expect(status == 0)
        #expect(created.all == ["mongodb://x"])
        #expect(executor.executed == ["SELECT 1"])
    }

    @Test func failingPoolCreationExitsOne() {
        let status = launcher(LaunchOptions(commands: ["SELECT 1"], uri: "mongodb://x"), createDefaultPool: { _ throws(PoolSQLError) in
            throw PoolSQLError(.sqlClientUnableToEstablishConnection, "could not connect")
        }).run()
        #expect(status == 1)
        #expect(executor.executed.isEmpty)
        #expect(errors.text == "ERROR 08001: could not connect\n")
    }

    @Test func initFileRunsFirstAndDefaultsToPoolsqlrcInHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "SET from_rc = 1;\n".write(to: home.appendingPathComponent(".poolsqlrc"), atomically: true, encoding: .utf8)

        #expect(launcher(LaunchOptions(commands: ["SELECT 1"]), home: home.path).run() == 0)
        #expect(executor.executed == ["SET from_rc = 1;", "SELECT 1"])

        let skipping = FakeExecutor()
        let noInit = Launcher(
            options: LaunchOptions(commands: ["SELECT 1"], skipInit: true), executor: skipping,
            output: output, errors: errors, environment: ["HOME": home.path], standardInputIsTerminal: false
        )
        #expect(noInit.run() == 0)
        #expect(skipping.executed == ["SELECT 1"])
    }

    @Test func missingExplicitInitFileExitsOne() {
        #expect(launcher(LaunchOptions(commands: ["SELECT 1"], initFile: "/nonexistent/init.sql")).run() == 1)
        #expect(executor.executed.isEmpty)
    }

    @Test func failingCommandExitsOneAndStopsLaterCommands() {
        #expect(launcher(LaunchOptions(commands: ["SELECT 1; SELEC 2; SELECT 3", "SELECT 4"])).run() == 1)
        #expect(executor.executed == ["SELECT 1;", "SELEC 2;"])
    }

    @Test func formatOptionAppliesToResults() {
        #expect(launcher(LaunchOptions(commands: ["SELECT 2"], format: .csv)).run() == 0)
        #expect(output.text == "?column?\n2\n")
    }

    @Test func missingScriptFileExitsOne() {
        #expect(launcher(LaunchOptions(files: ["/nonexistent/script.sql"])).run() == 1)
        #expect(errors.text == "/nonexistent/script.sql: No such file or directory\n")
    }
}
