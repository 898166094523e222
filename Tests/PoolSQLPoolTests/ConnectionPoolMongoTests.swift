import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Testing

/// The CMAP pool with the libmongoc factory, against SecantusDB.
@Suite("ConnectionPool (libmongoc, SecantusDB)", .serialized)
struct ConnectionPoolMongoTests {
    func makePool(_ server: SecantusServer, options: PoolOptions, recorder: EventRecorder) throws -> ConnectionPool {
        let factory = MongoConnectionFactory(uri: try MongoURI(server.uri + "?appName=ignored-uri-app"), poolName: "mongo")
        return ConnectionPool(poolName: "mongo", address: ServerAddress(host: "127.0.0.1", port: server.port), options: options,
                              factory: factory, events: recorder.log, backgroundInterval: .milliseconds(50))
    }

    @Test("connections handshake with the pool's appName, report the server's connectionId and run commands")
    func establishAndRun() async throws {
        let server = try startSecantus()
        let recorder = EventRecorder()
        let pool = try makePool(server, options: PoolOptions(minPoolSize: 2, connectTimeoutMS: 2_000, appName: "cmap-mongo-test"),
                                recorder: recorder)
        pool.ready()
        #expect(eventually { pool.snapshot().availableConnections == 2 })
        let outcome = await onThread { () -> Result<(String, Int?, Int), any Error> in
            Result {
                let connection = try pool.checkOut()
                defer { pool.checkIn(connection) }
                guard let direct = connection.connection as? MongoDirectConnection else {
                    throw PoolSQLError.internal("not a MongoDirectConnection")
                }
                try direct.ping()
                let operations = try direct.runCommand(database: "admin", commandJSON: #"{"currentOp": 1, "$all": true}"#)
                return (operations, connection.serverConnectionID, connection.id)
            }
        }
        let (currentOp, serverConnectionID, id) = try outcome.get()
        #expect(serverConnectionID != nil)
        #expect(currentOp.contains("cmap-mongo-test"))
        #expect(!currentOp.contains("ignored-uri-app"))
        #expect([1, 2].contains(id), "an available connection is reused rather than a third one opened")
        let snapshot = pool.snapshot()
        #expect(snapshot.connections.allSatisfy { $0.serverConnectionID != nil })
        #expect(Set(snapshot.connections.compactMap(\.serverConnectionID)).count == 2)
        pool.close()
        #expect(pool.snapshot().totalConnections == 0)
    }

    @Test("the factory connects to the pool's server, not to the URI's hosts")
    func hostsReplaced() async throws {
        let server = try startSecantus()
        let factory = MongoConnectionFactory(uri: try MongoURI("mongodb://nowhere.invalid:1,elsewhere.invalid:2/admin?retryWrites=false"),
                                             poolName: "hosts")
        let request = ConnectionRequest(address: ServerAddress(host: "127.0.0.1", port: server.port), connectionID: 1,
                                        generation: 0, options: PoolOptions(connectTimeoutMS: 2_000, appName: "hosts-test"))
        let outcome = await onThread { Result { () -> Int? in
            let connection = try factory.open(request)
            defer { connection.close() }
            try connection.ping()
            return connection.serverConnectionID
        } }
        #expect(try outcome.get() != nil)
    }

    @Test("a server that is down fails the checkout with 08001 and clears the pool")
    func serverDown() async throws {
        // Port 1 on loopback: nothing listens there, so connecting is refused at once.
        let recorder = EventRecorder()
        let factory = MongoConnectionFactory(uri: try MongoURI("mongodb://127.0.0.1:1/"), poolName: "down")
        let pool = ConnectionPool(poolName: "down", address: ServerAddress(host: "127.0.0.1", port: 1),
                                  options: PoolOptions(connectTimeoutMS: 1_000), factory: factory, events: recorder.log)
        pool.ready()
        let error = await onThread { () -> PoolSQLError? in
            do { _ = try pool.checkOut(); return nil } catch { return error as? PoolSQLError }
        }
        #expect(error?.code == "08001")
        #expect(pool.state == .paused)
        #expect(recorder.types([.poolCleared, .connectionClosed, .connectionCheckOutFailed])
                == [.poolCleared, .connectionClosed, .connectionCheckOutFailed])
        pool.close()
    }

    @Test("a network error perishes the connection: check-in closes it with reason error")
    func networkErrorPerishes() async throws {
        let server = try startSecantus()
        let recorder = EventRecorder()
        let pool = try makePool(server, options: PoolOptions(connectTimeoutMS: 1_000, socketTimeoutMS: 2_000), recorder: recorder)
        pool.ready()
        let connection = try await onThread { Result { try pool.checkOut() } }.get()
        server.stop()
        let failed = await onThread { () -> PoolSQLError? in
            guard let direct = connection.connection as? MongoDirectConnection else { return nil }
            do { try direct.ping(); return nil } catch { return error as? PoolSQLError }
        }
        #expect(failed?.code == "08006")
        #expect(connection.isPerished)
        pool.checkIn(connection)
        #expect(recorder.events.last?.type == .connectionClosed && recorder.events.last?.reason == .error)
        pool.close()
    }
}
