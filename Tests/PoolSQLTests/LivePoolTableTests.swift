import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing

/// `mongodb_connection_pools` against a real SecantusDB server: the values are the pool's, fed by
/// operations run through the library API and by health checks.
@Suite(.serialized) struct LivePoolTableTests {
    /// Polls `condition` until it holds or `seconds` pass (no timing is asserted; the deadline
    /// only bounds a wait for a background health check).
    func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    func row(_ session: Session, _ sql: String) throws -> [String: Value] {
        let result = try #require(try session.execute(sql).last)
        let first = try #require(result.rows.first, "no row from \(sql)")
        return Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), first))
    }

    @Test func theIssuesAcceptanceQueryShowsAHealthyPool() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("SET connection_pool_health_check_interval = '200ms'")
        _ = try session.execute("""
            CREATE POOL p URI '\(server.uri)' ENVIRONMENT 'test';
            SET connection_pool_max_size = 50;
            """)
        let sql = "SELECT pool_name, environment, max_pool_size, health_status FROM mongodb_connection_pools"
        #expect(try eventually { try row(session, sql)["health_status"] == .text("healthy") })
        #expect(try session.execute(sql)[0].rows == [[.text("p"), .text("test"), .int(50), .text("healthy")]])

        // Every column the issue names exists and is filled.
        let required = ["pool_name", "environment", "enabled", "uri", "app_name", "total_connections", "active_connections",
                        "available_connections", "min_pool_size", "max_pool_size", "idle_timeout_ms", "wait_queue_timeout_ms",
                        "server_selection_timeout_ms", "connection_utilization", "avg_operation_time", "error_rate",
                        "health_status", "last_health_check", "connections_created", "connections_destroyed", "checkout_failures"]
        let all = try row(session, "SELECT * FROM mongodb_connection_pools")
        for column in required {
            #expect(all[column] != nil, "missing column \(column)")
            #expect(all[column]?.isNull == false, "\(column) is NULL")
        }
    }

    @Test func operationsThroughTheLibraryFeedTheCounters() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "orders", uri: server.uri, environment: "production",
                                         options: ["max_pool_size": .int(4), "app_name": .text("orders-service"),
                                                   "server_selection_timeout_ms": .int(2000)])
        for _ in 0..<20 {
            _ = try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
        }
        #expect(throws: PoolSQLError.self) {
            try pool.runCommand(database: "admin", commandJSON: #"{"certainlyNotACommand": 1}"#)
        }

        // While the app holds a connection, the table sees it in use.
        let during = try pool.withConnection { connection -> [String: Value] in
            _ = try connection.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
            return try row(session, "SELECT active_connections, connection_utilization FROM mongodb_connection_pools WHERE pool_name = 'orders'")
        }
        #expect(during["active_connections"] == Value.int(1))
        #expect(during["connection_utilization"] == Value.double(0.25))

        let after = try row(session, """
            SELECT app_name, max_pool_size, total_connections, active_connections, available_connections,
                   operations, errors, error_rate, avg_operation_time, connections_created, checkout_failures
            FROM mongodb_connection_pools WHERE pool_name = 'orders'
            """)
        #expect(after["app_name"] == .text("orders-service"))
        #expect(after["max_pool_size"] == .int(4))
        #expect(after["active_connections"] == .int(0))
        guard case let .int(total)? = after["total_connections"], case let .int(available)? = after["available_connections"],
              case let .int(operations)? = after["operations"], case let .int(errors)? = after["errors"],
              case let .double(errorRate)? = after["error_rate"], case let .double(average)? = after["avg_operation_time"],
              case let .int(created)? = after["connections_created"]
        else {
            Issue.record("unexpected row \(after)")
            return
        }
        #expect(total >= 1 && total <= 4)
        #expect(available == total)
        #expect(operations >= 22)
        #expect(errors == 1)
        #expect(errorRate > 0 && errorRate < 0.1)
        #expect(average > 0)
        #expect(created >= 1)
        #expect(after["checkout_failures"] == .int(0))
    }

    @Test func stoppingTheServerMakesThePoolUnhealthyAndStartingItHealthyAgain() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("""
            CREATE POOL flaky URI '\(server.uri)' WITH (server_selection_timeout_ms = 1000, connect_timeout_ms = 1000)
            """)
        #expect(try row(session, "CHECK POOL flaky")["health_status"] == .text("healthy"))

        server.stop()
        let down = try row(session, "CHECK POOL flaky")
        #expect(down["health_status"] == .text("unhealthy"))
        #expect(down["error"]?.isNull == false)
        #expect(try row(session, "SELECT health_status FROM mongodb_connection_pools")["health_status"] == .text("unhealthy"))

        try server.start()
        #expect(try eventually { try row(session, "CHECK POOL flaky")["health_status"] == .text("healthy") })
        #expect(try row(session, "SELECT health_status FROM mongodb_connection_pools")["health_status"] == .text("healthy"))
    }

    @Test func livePoolsFollowSetAlterAndPrecedence() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("""
            CREATE POOL a URI '\(server.uri)?maxPoolSize=7';
            CREATE POOL b URI '\(server.uri)' WITH (max_pool_size = 9);
            CREATE POOL c URI '\(server.uri)';
            SET connection_pool_max_size = 30;
            """)
        let sizes = "SELECT pool_name, max_pool_size FROM mongodb_connection_pools ORDER BY pool_name"
        // per-pool option > URI option > SET > built-in default
        #expect(try session.execute(sizes)[0].rows == [[.text("a"), .int(7)], [.text("b"), .int(9)], [.text("c"), .int(30)]])
        #expect(try engine.pool(named: "c").options.maxPoolSize == 30)

        _ = try session.execute("ALTER POOL c SET max_pool_size = 12, min_pool_size = 2")
        #expect(try engine.pool(named: "c").options.maxPoolSize == 12)
        #expect(try eventually { try row(session, "SELECT total_connections FROM mongodb_connection_pools WHERE pool_name = 'c'")["total_connections"] == .int(2) })

        let sources = try session.execute("""
            SELECT pool_name, setting, source FROM connection_pool_settings
            WHERE name = 'connection_pool_max_size' ORDER BY pool_name NULLS FIRST
            """)[0].rows
        #expect(sources == [[.null, .text("30"), .text("SET")], [.text("a"), .text("7"), .text("uri")],
                            [.text("b"), .text("9"), .text("pool override")], [.text("c"), .text("12"), .text("pool override")]])

        // A SET that a pool cannot take changes nothing.
        _ = try session.execute("CREATE POOL d URI '\(server.uri)' WITH (min_pool_size = 5)")
        do {
            _ = try session.execute("SET connection_pool_max_size = 3")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidParameterValue)
        }
        #expect(try session.execute("SHOW connection_pool_max_size")[0].rows == [[.text("30")]])

        _ = try session.execute("ALTER POOL a DISABLE")
        #expect(throws: PoolSQLError.self) { try engine.pool(named: "a") }
        #expect(try row(session, "SELECT enabled, health_status FROM mongodb_connection_pools WHERE pool_name = 'a'")
                == ["enabled": .bool(false), "health_status": .null])
        _ = try session.execute("ALTER POOL a ENABLE")
        _ = try engine.pool(named: "a").runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)

        _ = try session.execute("DROP POOL a, b, d")
        #expect(try session.execute("SELECT pool_name FROM mongodb_connection_pools")[0].rows == [[.text("c")]])
    }

    @Test func passwordsNeverShow() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let uri = server.uri.replacingOccurrences(of: "mongodb://", with: "mongodb://app:s3cr3t-Pa55@")
        _ = try session.execute("CREATE POOL secret URI '\(uri)' WITH (server_selection_timeout_ms = 500)")
        var seen: [String] = []
        for sql in ["SELECT * FROM mongodb_connection_pools", "SELECT * FROM connection_pool_settings", "SHOW ALL", "CHECK POOL secret"] {
            for result in try session.execute(sql) {
                seen += result.rows.flatMap { $0.map(\.description) }
            }
        }
        #expect(seen.contains("mongodb://app:****@127.0.0.1:\(server.port)/"))
        #expect(!seen.joined(separator: "\n").contains("s3cr3t"))
        do {
            _ = try session.execute("CREATE POOL secret URI '\(uri)'")
        } catch {
            #expect(!error.rendered(source: nil).contains("s3cr3t"))
        }
        do {
            _ = try session.execute("CREATE POOL broken URI 'mongodb://app:s3cr3t-Pa55@/nohost'")
        } catch {
            #expect(!"\(error.message) \(error.detail ?? "") \(error.hint ?? "")".contains("s3cr3t"))
        }
    }
}
