import Foundation
@testable import PoolSQL
import PoolSQLCore
import PoolSQLTestSupport
import Synchronization
import Testing

/// `RUN LOAD TEST` against a real SecantusDB server: the row it returns and appends to
/// `load_test_results`, pacing, clean-up, stopping, and the errors for unusable pools.
/// No timing is asserted: counts are checked within wide bands.
@Suite(.serialized) struct LoadTestTests {
    /// An engine with one pool `p` on a fresh server.
    final class Fixture {
        let server: SecantusServer
        let engine: Engine
        let session: Session

        init(poolOptions: String = "max_pool_size = 10") throws {
            server = try SecantusServer()
            engine = try Engine()
            session = engine.makeSession()
            _ = try session.execute("CREATE POOL p URI '\(server.uri)' WITH (\(poolOptions))")
        }

        deinit { engine.shutdown() }

        /// The only row of the last result of `sql`, by column name.
        func row(_ sql: String) throws -> [String: Value] {
            let result = try #require(try session.execute(sql).last)
            #expect(result.rows.count == 1, "\(sql) returned \(result.rows.count) rows")
            let first = try #require(result.rows.first)
            return Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), first))
        }

        /// Collection names of `database`, through the pool.
        func collections(_ database: String = "poolsql_load") throws -> [String] {
            let reply = try command(#"{"listCollections": 1, "nameOnly": true}"#, database: database)
            let cursor = try #require(reply["cursor"] as? [String: Any])
            let batch = try #require(cursor["firstBatch"] as? [[String: Any]])
            return batch.compactMap { $0["name"] as? String }
        }

        func count(_ collection: String, filter: String = "{}", database: String = "poolsql_load") throws -> Int {
            let reply = try command(#"{"count": "\#(collection)", "query": \#(filter)}"#, database: database)
            return try #require((reply["n"] as? NSNumber)?.intValue, "no count in \(reply)")
        }

        func command(_ json: String, database: String) throws -> [String: Any] {
            let reply = try engine.pool(named: "p").runCommand(database: database, commandJSON: json)
            return try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
        }
    }

    static func int(_ value: Value?) -> Int64? {
        if case let .int(i)? = value { return i }
        return nil
    }

    static func double(_ value: Value?) -> Double? {
        switch value {
        case let .double(d)?: return d
        case let .int(i)?: return Double(i)
        default: return nil
        }
    }

    @Test func aPacedLoadTestLandsASaneRowInLoadTestResults() throws {
        let fixture = try Fixture()
        let returned = try fixture.row("""
            RUN LOAD TEST ON POOL p SCENARIO 'normal_load'
            WITH (concurrency = 4, duration = '2s', operation = 'find', target_ops_per_second = 50)
            """)
        let stored = try fixture.row("SELECT * FROM load_test_results")
        #expect(returned == stored)
        let columns = ["test_id", "pool_name", "scenario_name", "started_at", "concurrent_connections", "operation_type",
                       "test_duration_minutes", "target_operations_per_second", "actual_operations_per_second", "total_operations",
                       "success_rate", "avg_response_time_ms", "p50_response_time_ms", "p95_response_time_ms", "p99_response_time_ms",
                       "max_response_time_ms", "peak_connections_used", "avg_connections_used", "connection_utilization_peak",
                       "total_errors", "timeout_errors", "connection_errors", "avg_checkout_wait_ms"]
        for column in columns {
            #expect(stored[column]?.isNull == false, "\(column) is missing or NULL")
        }
        #expect(stored["test_id"] == .int(1))
        #expect(stored["pool_name"] == .text("p"))
        #expect(stored["scenario_name"] == .text("normal_load"))
        #expect(stored["operation_type"] == .text("find"))
        #expect(stored["concurrent_connections"] == .int(4))
        #expect(stored["target_operations_per_second"] == .double(50))
        // 2 s at 50 ops/s schedules 100 operations; none is started after the time is up.
        let total = try #require(Self.int(stored["total_operations"]))
        #expect(total >= 40 && total <= 100, "total_operations \(total)")
        let rate = try #require(Self.double(stored["actual_operations_per_second"]))
        #expect(rate > 15 && rate <= 60, "actual_operations_per_second \(rate)")
        #expect(stored["success_rate"] == .double(100))
        #expect(stored["total_errors"] == .int(0))
        let p50 = try #require(Self.double(stored["p50_response_time_ms"]))
        let p95 = try #require(Self.double(stored["p95_response_time_ms"]))
        let p99 = try #require(Self.double(stored["p99_response_time_ms"]))
        let maximum = try #require(Self.double(stored["max_response_time_ms"]))
        let average = try #require(Self.double(stored["avg_response_time_ms"]))
        #expect(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= maximum * 1.01)
        #expect(average > 0 && average <= maximum)
        let peak = try #require(Self.int(stored["peak_connections_used"]))
        #expect(peak >= 1 && peak <= 10)
        let utilization = try #require(Self.double(stored["connection_utilization_peak"]))
        #expect(utilization == Double(peak) / 10)
        let minutes = try #require(Self.double(stored["test_duration_minutes"]))
        #expect(minutes > 1.0 / 60 && minutes < 1)
        // The test's own collection was dropped.
        #expect(try fixture.collections().allSatisfy { !$0.hasPrefix("poolsql_load_") })
    }

    @Test func anOperationCountRunsExactlyThatManyAndKeepDataKeepsThem() throws {
        let fixture = try Fixture()
        let result = try #require(try fixture.session.execute(
            "RUN LOAD TEST ON POOL p WITH (operations = 60, concurrency = 3, operation = 'insert', keep_data = true)").last)
        let row = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), try #require(result.rows.first)))
        #expect(row["total_operations"] == .int(60))
        #expect(row["success_rate"] == .double(100))
        #expect(row["target_operations_per_second"] == .null)
        let kept = try #require(fixture.collections().first { $0.hasPrefix("poolsql_load_") })
        #expect(result.notices.contains { $0.contains(kept) && $0.contains("keep_data") })
        #expect(try fixture.count(kept) == 60)
    }

    @Test(arguments: LoadTestOperation.allCases)
    func everyOperationRunsWithoutErrorsAndCleansUp(_ operation: LoadTestOperation) throws {
        let fixture = try Fixture()
        let row = try fixture.row("RUN LOAD TEST ON POOL p WITH (operations = 40, concurrency = 4, operation = '\(operation.rawValue)')")
        #expect(row["total_operations"] == .int(40))
        #expect(row["total_errors"] == .int(0))
        #expect(row["operation_type"] == .text(operation.rawValue))
        #expect(try fixture.collections().allSatisfy { !$0.hasPrefix("poolsql_load_") })
    }

    @Test func writesIntoAUserCollectionTouchOnlyTheTestsDocuments() throws {
        let fixture = try Fixture()
        let pool = try fixture.engine.pool(named: "p")
        _ = try pool.runCommand(database: "shop", commandJSON: #"{"insert": "orders", "documents": [{"k": 1, "mine": true}, {"k": 2, "mine": true}]}"#)
        let row = try fixture.row("RUN LOAD TEST ON POOL p WITH (operations = 30, operation = 'write_heavy', database = 'shop', collection = 'orders')")
        #expect(row["total_errors"] == .int(0))
        // The user's documents are there, unchanged; the test's are gone.
        #expect(try fixture.count("orders", database: "shop") == 2)
        #expect(try fixture.count("orders", filter: #"{"mine": true, "updates": {"$exists": true}}"#, database: "shop") == 0)

        let read = try fixture.row("RUN LOAD TEST ON POOL p WITH (operations = 20, operation = 'read_only', database = 'shop', collection = 'orders')")
        #expect(read["total_errors"] == .int(0))
        #expect(try fixture.count("orders", database: "shop") == 2)
    }

    @Test func checkoutTimeoutsAreCountedAsTimeoutErrors() throws {
        let fixture = try Fixture(poolOptions: "max_pool_size = 1, wait_queue_timeout_ms = 1")
        let row = try fixture.row("RUN LOAD TEST ON POOL p WITH (concurrency = 12, duration = '1s', operation = 'insert')")
        let timeouts = try #require(Self.int(row["timeout_errors"]))
        #expect(timeouts > 0)
        #expect(row["total_errors"] == .int(timeouts))
        #expect(row["connection_errors"] == .int(0))
        let success = try #require(Self.double(row["success_rate"]))
        #expect(success < 100)
        #expect(row["peak_connections_used"] == .int(1))
        #expect(row["connection_utilization_peak"] == .double(1))
    }

    @Test func aStopRequestKeepsThePartialResult() throws {
        let fixture = try Fixture()
        let progress = Mutex<[LoadTestProgress]>([])
        fixture.session.loadTestProgressHandler = { update in progress.withLock { $0.append(update) } }
        let session = fixture.session
        // A stop asked for while no load test runs does not stop the next one.
        session.stopLoadTest()
        let outcome = Mutex<Result<[QueryResult], PoolSQLError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result = Result { () throws(PoolSQLError) -> [QueryResult] in
                try session.execute("RUN LOAD TEST ON POOL p WITH (concurrency = 2, duration = '10min', operation = 'ping')")
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.start()
        // Wait until operations are running, then stop as Ctrl-C in the REPL does.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (progress.withLock { $0.last?.completedOperations } ?? 0) < 20 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        session.stopLoadTest()
        #expect(done.wait(timeout: .now() + 60) == .success, "the load test did not stop")
        let result = try #require(try outcome.withLock { $0 }?.get().last)
        let row = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), try #require(result.rows.first)))
        let total = try #require(Self.int(row["total_operations"]))
        #expect(total >= 20)
        #expect(row["total_errors"] == .int(0))
        let minutes = try #require(Self.double(row["test_duration_minutes"]))
        #expect(minutes < 5)
        #expect(result.notices.contains { $0.contains("stopped") })
        // The partial result is kept.
        #expect(try fixture.row("SELECT total_operations FROM load_test_results")["total_operations"] == .int(total))
        // Progress was reported while it ran, with the planned duration.
        let updates = progress.withLock { $0 }
        #expect(updates.count >= 2)
        #expect(updates.last?.plannedSeconds == 600)
        #expect(updates.last?.line.hasPrefix("load test p: ") == true)
    }

    @Test func aPoolUnderTestCannotBeDroppedAndDisablingItEndsTheTest() throws {
        let fixture = try Fixture()
        let progress = Mutex(0)
        fixture.session.loadTestProgressHandler = { update in progress.withLock { $0 = update.completedOperations } }
        let session = fixture.session
        let outcome = Mutex<Result<[QueryResult], PoolSQLError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { () throws(PoolSQLError) -> [QueryResult] in
                try session.execute("RUN LOAD TEST ON POOL p WITH (concurrency = 2, duration = '10min', operation = 'ping')")
            }
            outcome.withLock { $0 = result }
            done.signal()
        }.start()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, progress.withLock({ $0 }) < 10 { Thread.sleep(forTimeInterval: 0.05) }

        let other = fixture.engine.makeSession()
        #expect { try other.execute("DROP POOL p") } throws: { ($0 as? PoolSQLError)?.code == .objectInUse }
        _ = try other.execute("ALTER POOL p DISABLE")
        #expect(done.wait(timeout: .now() + 60) == .success, "the load test did not end")
        let result = try #require(try outcome.withLock { $0 }?.get().last)
        #expect(result.rows.count == 1)
        #expect(result.notices.contains { $0.hasPrefix("load test stopped early: ") }, "\(result.notices)")
        #expect(try other.execute("SELECT count(*) FROM load_test_results")[0].rows == [[.int(1)]])
        // Once it is over the pool can be dropped.
        _ = try other.execute("DROP POOL p")
    }

    @Test func aMissingDisabledOrUnhealthyPoolIsAClearError() throws {
        let fixture = try Fixture()
        let session = fixture.session
        #expect { try session.execute("RUN LOAD TEST ON POOL nope WITH (operations = 1)") } throws: {
            ($0 as? PoolSQLError)?.code == .undefinedObject
        }
        _ = try session.execute("ALTER POOL p DISABLE")
        #expect { try session.execute("RUN LOAD TEST ON POOL p WITH (operations = 1)") } throws: {
            guard let error = $0 as? PoolSQLError else { return false }
            return error.code == .objectNotInPrerequisiteState && error.message.contains("disabled")
        }
        // A pool whose server does not answer.
        let closedPort = try SecantusServer()
        let port = closedPort.port
        closedPort.stop()
        _ = try session.execute("CREATE POOL gone URI 'mongodb://127.0.0.1:\(port)/' WITH (server_selection_timeout_ms = 300, connect_timeout_ms = 300)")
        #expect { try session.execute("RUN LOAD TEST ON POOL gone WITH (operations = 1)") } throws: {
            guard let error = $0 as? PoolSQLError else { return false }
            return error.code == .objectNotInPrerequisiteState && error.message.contains("unhealthy")
        }
        #expect(try session.execute("SELECT count(*) FROM load_test_results")[0].rows == [[.int(0)]])
    }

    @Test func badOptionsAreErrorsBeforeAnythingRuns() throws {
        let fixture = try Fixture()
        func code(_ options: String) -> SQLState? {
            do {
                _ = try fixture.session.execute("RUN LOAD TEST ON POOL p WITH (\(options))")
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("concurency = 5") == .undefinedObject)
        #expect(code("concurrency = 0") == .invalidParameterValue)
        #expect(code("concurrency = 5, concurrency = 6") == .syntaxError)
        #expect(code("duration = 30") == .invalidParameterValue)
        #expect(code("duration = 'forever'") == .invalidParameterValue)
        #expect(code("operation = 'delete'") == .invalidParameterValue)
        #expect(code("target_ops_per_second = -5") == .invalidParameterValue)
        #expect(code("collection = 'system.users'") == .invalidParameterValue)
        #expect(code("database = 'a.b'") == .invalidParameterValue)
        #expect(code("keep_data = 'maybe'") == .invalidParameterValue)
        do {
            _ = try fixture.session.execute("RUN LOAD TEST ON POOL p WITH (operation = 'pong')")
            Issue.record("no error")
        } catch {
            #expect(error.hint?.contains("ping") == true)
        }
        #expect(try fixture.session.execute("SELECT count(*) FROM load_test_results")[0].rows == [[.int(0)]])
    }

    @Test func theSwiftAPIRunsTheSameTest() throws {
        let fixture = try Fixture()
        let report = try fixture.session.runLoadTest(pool: "p", scenario: "api",
                                                     options: LoadTestOptions(concurrency: 2, operations: 30, operation: .insert))
        #expect(report.result.testID == 1)
        #expect(report.result.totalOperations == 30 && report.result.totalErrors == 0)
        #expect(try fixture.row("SELECT scenario_name FROM load_test_results")["scenario_name"] == .text("api"))
        #expect { try fixture.session.runLoadTest(pool: "p", options: LoadTestOptions(concurrency: 0)) } throws: {
            ($0 as? PoolSQLError)?.code == .invalidParameterValue
        }
        #expect { try fixture.session.runLoadTest(pool: "q", options: LoadTestOptions()) } throws: {
            ($0 as? PoolSQLError)?.code == .undefinedObject
        }
    }

    @Test func errorsAreClassifiedByTheirCodes() {
        #expect(LoadTestErrorClass(PoolSQLError("53300", "timed out while checking out a connection")) == .timeout)
        #expect(LoadTestErrorClass(PoolSQLError(.connectionFailure, "connection of pool \"p\" failed: socket timed out")) == .timeout)
        #expect(LoadTestErrorClass(PoolSQLError(.connectionFailure, "connection of pool \"p\" failed: connection reset")) == .connection)
        #expect(LoadTestErrorClass(PoolSQLError(.sqlClientUnableToEstablishConnection, "could not connect")) == .connection)
        #expect(LoadTestErrorClass(PoolSQLError("HV000", "MongoDB command failed")) == .other)
    }

    @Test func theOperationMixesHaveTheirShares() {
        for operation in LoadTestOperation.allCases {
            #expect(operation.mix.reduce(0) { $0 + $1.weight } == 100, "\(operation)")
            var counts: [LoadTestCommand: Int] = [:]
            for roll in 0..<100 { counts[operation.command(forRoll: roll), default: 0] += 1 }
            for (command, weight) in operation.mix { #expect(counts[command] == weight) }
        }
        #expect(LoadTestOperation.mixed.writes && LoadTestOperation.writeHeavy.writes && LoadTestOperation.insert.writes)
        #expect(!LoadTestOperation.readOnly.writes && !LoadTestOperation.find.writes && !LoadTestOperation.ping.writes)
    }
}
