import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLREPL
import PoolSQLTestSupport
import Testing

/// `poolsql --store URI`: the metrics store is attached before the default pool, the init file
/// and the statements; a failure stops start-up without showing the password.
@Suite("Launcher --store")
struct MongoMetricsStoreLaunchTests {
    let executor = FakeExecutor()
    let output = StringSink()
    let errors = StringSink()

    func launcher(_ options: LaunchOptions, attachStore: Launcher.StoreAttacher? = nil) -> Launcher {
        Launcher(options: options, executor: executor, attachStore: attachStore, output: output, errors: errors,
                 environment: ["HOME": "/nonexistent-home"], standardInputIsTerminal: false)
    }

    @Test func storeIsSetBeforeThePoolAndTheCommands() {
        let status = launcher(LaunchOptions(commands: ["SELECT 1"], uri: "mongodb://h", store: "mongodb://u:p'w@h:1/db")).run()
        #expect(status == 0)
        #expect(executor.executed == ["SET metrics_store = 'mongodb://u:p''w@h:1/db'", "CREATE POOL \"default\" URI 'mongodb://h'", "SELECT 1"])
    }

    @Test func failingStoreExitsOneWithoutTheStatement() {
        let status = launcher(LaunchOptions(commands: ["SELECT 1"], store: "mongodb://u:hunter22@h:1/db"), attachStore: { _ throws(PoolSQLError) in
            throw PoolSQLError(.sqlClientUnableToEstablishConnection, "cannot reach the metrics store: mongodb://u:****@h:1/db")
        }).run()
        #expect(status == 1)
        #expect(executor.executed.isEmpty)
        #expect(errors.text == "ERROR 08001: cannot reach the metrics store: mongodb://u:****@h:1/db\n")
    }

    @Test func realEngineShowsTheRedactedStore() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        let session = engine.makeSession()
        let status = Launcher(options: LaunchOptions(commands: ["SHOW metrics_store"], store: server.uri + "fleet_launch"),
                              executor: session, attachStore: { (uri: String) throws(PoolSQLError) in try engine.setMetricsStore(uri) },
                              output: output, errors: errors, environment: ["HOME": "/nonexistent-home"],
                              standardInputIsTerminal: false).run()
        #expect(status == 0, "\(errors.text)")
        #expect(output.text.contains(server.uri + "fleet_launch"))
        #expect(engine.metricsStore.kind == "mongodb")
    }
}
