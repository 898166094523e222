import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Testing

/// Credentials against a SecantusDB that requires SCRAM authentication: wrong passwords are
/// 28000 errors and unhealthy checks, and the password shows up nowhere.
@Suite("Pool authentication", .serialized)
struct AuthenticationTests {
    @Test func wrongPasswordFailsWithoutLeakingIt() throws {
        let server = try startSecantus()
        let setup = try MongoPool(name: "setup", uri: server.uri, options: testOptions())
        _ = try setup.runCommand(database: "admin", commandJSON: #"{"createUser": "alice", "pwd": "Corr3ct-Horse", "roles": [{"role": "root", "db": "admin"}]}"#)
        setup.close()
        server.stop()
        try server.start(extraArguments: ["--auth"])

        let base = "127.0.0.1:\(server.port)/?authSource=admin"
        let wrong = try MongoPool(name: "wrong", uri: "mongodb://alice:Wr0ngPass-99@\(base)", options: testOptions())
        defer { wrong.close() }
        do {
            try wrong.ping()
            Issue.record("wrong password accepted")
        } catch let error as PoolSQLError {
            #expect(error.code == "28000")
            #expect(!error.rendered(source: nil).contains("Wr0ngPass-99"))
        }
        #expect(wrong.checkHealth() == .unhealthy)
        let reason = try #require(wrong.statistics().lastHealthError)
        #expect(!reason.contains("Wr0ngPass-99"))
        #expect(wrong.statistics().checkoutFailures == 1)

        let right = try MongoPool(name: "right", uri: "mongodb://alice:Corr3ct-Horse@\(base)", options: testOptions())
        defer { right.close() }
        try right.ping()
        #expect(right.checkHealth() == .healthy)
        #expect(!right.description.contains("Corr3ct-Horse"))
        #expect(right.uri.redacted == "mongodb://alice:****@\(base)")
    }
}
