import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Synchronization
import Testing

/// Faults against real processes: a killed server, a hung server (SIGSTOP), and the errors
/// `failCommand` injects. CMAP/SDAM say which errors clear a pool; these tests check that the
/// pool clears on those and only on those.
@Suite("Pool faults against SecantusDB", .serialized)
struct PoolFaultTests {
    /// Options for fault tests: short timeouts and frequent checks, so the tests run quickly.
    func faultOptions(appName: String, maxPoolSize: Int = 4, waitQueueTimeoutMS: Int = 2_000, socketTimeoutMS: Int = 2_000) -> PoolOptions {
        PoolOptions(
            minPoolSize: 0, maxPoolSize: maxPoolSize, maxIdleTimeMS: 0, waitQueueTimeoutMS: waitQueueTimeoutMS,
            serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000, socketTimeoutMS: socketTimeoutMS,
            heartbeatFrequencyMS: 500, appName: appName, healthCheckIntervalMS: 200)
    }

    func clears(_ pool: MongoPool) -> Int {
        pool.events.events().filter { $0.type == .poolCleared }.count
    }

    /// Sets a `failCommand` fail point that applies only to connections with `appName`.
    func setFailPoint(_ observer: MongoPool, appName: String, times: Int = 1, commands: [String] = ["ping"], data: String) throws {
        let names = commands.map { "\"\($0)\"" }.joined(separator: ", ")
        _ = try observer.runCommand(database: "admin", commandJSON: """
            {"configureFailPoint": "failCommand", "mode": {"times": \(times)},
             "data": {"failCommands": [\(names)], "appName": "\(appName)", \(data)}}
            """)
    }

    func clearFailPoint(_ observer: MongoPool) throws {
        _ = try observer.runCommand(database: "admin", commandJSON: #"{"configureFailPoint": "failCommand", "mode": "off"}"#)
    }

    @Test func killedServerClearsThePoolAndARestartedOneServesAgain() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "killed", uri: server.uri, options: faultOptions(appName: "fault-killed"))
        defer { pool.close() }
        // Traffic from four threads, so the crash hits operations in flight.
        let stop = Atomic<Bool>(false)
        let failures = AnnotatedMutex<[PoolSQLError]>([])
        let successes = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while !stop.load(ordering: .acquiring) {
                    do {
                        try pool.ping()
                        successes.add(1, ordering: .relaxed)
                    } catch let error as PoolSQLError {
                        failures.withLock { $0.append(error) }
                    } catch {
                        Issue.record("unexpected error type: \(error)")
                    }
                }
            }
        }
        #expect(eventually { successes.load(ordering: .relaxed) > 20 })
        server.crash()
        #expect(eventually { failures.withLock { $0.count } > 0 })
        #expect(eventually { clears(pool) > 0 })
        #expect(eventually { pool.healthStatus == .unhealthy })
        // Every failure says what happened, in a connection-exception class.
        for error in failures.withLock({ $0 }) {
            #expect(["08001", "08006", "53300"].contains(error.code.code), "unexpected \(error.code): \(error.message)")
        }

        try server.start()
        let recoveredAt = successes.load(ordering: .relaxed)
        #expect(eventually(timeout: .seconds(20)) { successes.load(ordering: .relaxed) > recoveredAt + 20 })
        #expect(eventually { pool.healthStatus == .healthy })
        stop.store(true, ordering: .releasing)
        _ = group.wait(timeout: .now() + 30)

        // No leaked connection: what the pool owns is exactly what the server sees with its
        // appName, and nothing of the generation before the crash survived.
        let snapshot = pool.snapshot()
        let observer = try MongoPool(name: "observer", uri: server.uri, options: faultOptions(appName: "fault-observer"))
        defer { observer.close() }
        #expect(eventually { (try? serverConnections(withAppName: "fault-killed", via: observer)) == pool.snapshot().statistics.totalConnections })
        #expect(snapshot.connections.allSatisfy { $0.generation > 0 })
        #expect(snapshot.state == .ready)
    }

    @Test func hungServerTimesOutCheckoutsAndOperationsThenRecovers() throws {
        let server = try startSecantus()
        // Monitoring and periodic health checks are slowed down here, so what the test sees is
        // the checkout and operation timeouts alone (a failed heartbeat or health check would
        // pause the pool first, and a checkout would then fail as "paused", not "timeout").
        var options = faultOptions(appName: "fault-hung", maxPoolSize: 1, waitQueueTimeoutMS: 300, socketTimeoutMS: 3_000)
        options.heartbeatFrequencyMS = 60_000
        options.healthCheckIntervalMS = 0
        let pool = try MongoPool(name: "hung", uri: server.uri, options: options)
        defer {
            server.resume()
            pool.close()
        }
        try pool.ping()
        server.suspend()
        let holderFailed = AnnotatedMutex<PoolSQLError?>(nil)
        let holderDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { holderDone.signal() }
            do { try pool.ping() } catch let error as PoolSQLError { holderFailed.withLock { $0 = error } } catch {}
        }
        // While the only connection is stuck in that ping, a second checkout waits and times out.
        #expect(eventually { pool.snapshot().statistics.activeConnections == 1 })
        do {
            try pool.ping()
            Issue.record("a checkout succeeded while the only connection was in use on a hung server")
        } catch let error as PoolSQLError {
            #expect(error.code.code == "53300")
        }
        #expect(pool.events.events().contains { $0.type == .connectionCheckOutFailed && $0.reason == .timeout })
        // The stuck operation ends by itself: socketTimeoutMS, not forever.
        #expect(holderDone.wait(timeout: .now() + 20) == .success)
        #expect(holderFailed.withLock { $0 } != nil)

        server.resume()
        #expect(eventually(timeout: .seconds(20)) { (try? pool.ping()) != nil })
    }

    @Test func closeConnectionClearsThePool() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "closed-conn", uri: server.uri, options: faultOptions(appName: "fault-close"))
        let observer = try MongoPool(name: "observer", uri: server.uri, options: faultOptions(appName: "fault-observer"))
        defer {
            pool.close()
            observer.close()
        }
        try pool.ping()
        let generation = pool.snapshot().generation
        try setFailPoint(observer, appName: "fault-close", data: #""closeConnection": true"#)
        #expect(throws: PoolSQLError.self) { try pool.ping() }
        #expect(clears(pool) == 1)
        #expect(pool.snapshot().generation == generation + 1)
        #expect(pool.events.events().contains { $0.type == .connectionClosed && $0.reason == .error })
        // Ready again without any user action.
        #expect(eventually { (try? pool.ping()) != nil })
        try clearFailPoint(observer)
    }

    @Test func shutdownInProgressClearsThePool() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "shutdown", uri: server.uri, options: faultOptions(appName: "fault-91"))
        let observer = try MongoPool(name: "observer", uri: server.uri, options: faultOptions(appName: "fault-observer"))
        defer {
            pool.close()
            observer.close()
        }
        try pool.ping()
        try setFailPoint(observer, appName: "fault-91", data: #""errorCode": 91"#)
        #expect(throws: PoolSQLError.self) { try pool.ping() }
        #expect(clears(pool) == 1)
        #expect(eventually { (try? pool.ping()) != nil })
        try clearFailPoint(observer)
    }

    /// SecantusDB reports maxWireVersion 27 (a 4.2+ server): SDAM says "not writable primary"
    /// marks the server unknown but must not clear the pool; the connection stays usable.
    @Test func notWritablePrimaryDoesNotClearThePoolOfAModernServer() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "notprimary", uri: server.uri, options: faultOptions(appName: "fault-10107"))
        let observer = try MongoPool(name: "observer", uri: server.uri, options: faultOptions(appName: "fault-observer"))
        defer {
            pool.close()
            observer.close()
        }
        try pool.ping()
        try setFailPoint(observer, appName: "fault-10107", data: #""errorCode": 10107"#)
        #expect(throws: PoolSQLError.self) { try pool.ping() }
        #expect(clears(pool) == 0)
        #expect(eventually { (try? pool.ping()) != nil })
        #expect(clears(pool) == 0)
        try clearFailPoint(observer)
    }

    @Test func ordinaryCommandErrorsAndTimeoutsDoNotClearThePool() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "ordinary", uri: server.uri, options: faultOptions(appName: "fault-ordinary", socketTimeoutMS: 300))
        let observer = try MongoPool(name: "observer", uri: server.uri, options: faultOptions(appName: "fault-observer"))
        defer {
            pool.close()
            observer.close()
        }
        try pool.ping()
        // A plain command error (BadValue) is the command's problem, not the server's.
        try setFailPoint(observer, appName: "fault-ordinary", data: #""errorCode": 2"#)
        #expect(throws: PoolSQLError.self) { try pool.ping() }
        #expect(clears(pool) == 0)
        // A socket timeout after the handshake closes that connection but does not clear the
        // pool (SDAM: network timeouts on established connections don't).
        try setFailPoint(observer, appName: "fault-ordinary", data: #""blockConnection": true, "blockTimeMS": 1500"#)
        #expect(throws: PoolSQLError.self) { try pool.ping() }
        #expect(clears(pool) == 0)
        #expect(pool.events.events().contains { $0.type == .connectionClosed && $0.reason == .error })
        try clearFailPoint(observer)
        try pool.ping()
    }
}
