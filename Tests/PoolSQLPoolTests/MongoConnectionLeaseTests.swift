import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Testing

/// A `MongoConnection` is valid only inside its `withConnection` body, even when a copy kept
/// past it names a connection that is checked out again.
@Suite("MongoConnection lease", .serialized)
struct MongoConnectionLeaseTests {
    @Test func aKeptCopyStaysInvalidWhileTheConnectionServesAnotherCheckout() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "lease", uri: server.uri, options: testOptions())
        defer { pool.close() }
        let kept = try pool.withConnection { connection -> MongoConnection in
            try connection.ping()
            return connection
        }
        try pool.withConnection { again in
            // The same idle connection went to this checkout.
            #expect(again.id == kept.id)
            try again.ping()
            #expect(throws: PoolSQLError.self) { try kept.ping() }
        }
        do {
            try kept.ping()
            Issue.record("a connection kept past its body ran a command")
        } catch let error as PoolSQLError {
            #expect(error.code == .objectNotInPrerequisiteState)
        }
    }
}
