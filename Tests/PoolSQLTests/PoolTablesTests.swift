import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing

/// `mongodb_connection_pools`' CMAP columns and the tables `mongodb_connections`,
/// `mongodb_servers` and `connection_pool_events`, over real pools against SecantusDB. The
/// assertions hold for whatever the pools report; `CMAPWiringTests` checks the values a CMAP pool
/// must report.
@Suite(.serialized) struct PoolTablesTests {
    typealias Support = PoolTableTestSupport

    @Test func everyTableDeclaresItsColumnsWithTheirTypes() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("CREATE POOL p URI '\(server.uri)'")

        let expected: [String: [String: DataType]] = [
            "mongodb_connection_pools": [
                "pool_state": .text, "pending_connections": .integer, "wait_queue_length": .integer, "max_connecting": .integer,
                "connect_timeout_ms": .bigint, "socket_timeout_ms": .bigint, "heartbeat_frequency_ms": .bigint,
                "read_preference": .text, "p95_operation_time": .doublePrecision, "p99_operation_time": .doublePrecision,
                "operations_total": .bigint, "errors_total": .bigint, "checkouts_total": .bigint,
                "avg_checkout_wait_ms": .doublePrecision, "max_checkout_wait_ms": .doublePrecision, "pool_generation": .bigint,
                "created_at": .timestamptz, "last_health_check": .timestamptz, "topology_type": .text,
            ],
            "mongodb_connections": [
                "pool_name": .text, "connection_id": .bigint, "server_address": .text, "state": .text, "generation": .bigint,
                "created_at": .timestamptz, "last_checked_out_at": .timestamptz, "last_checked_in_at": .timestamptz,
                "checkout_count": .bigint, "age_seconds": .doublePrecision, "idle_seconds": .doublePrecision,
                "server_connection_id": .bigint,
            ],
            "mongodb_servers": [
                "pool_name": .text, "server_address": .text, "server_type": .text, "round_trip_time_ms": .doublePrecision,
                "last_heartbeat": .timestamptz, "last_error": .text, "set_name": .text, "max_wire_version": .integer,
                "pool_state": .text, "total_connections": .integer, "available_connections": .integer,
                "in_use_connections": .integer, "pending_connections": .integer, "pool_generation": .bigint,
            ],
            "connection_pool_events": [
                "event_time": .timestamptz, "pool_name": .text, "event_type": .text, "server_address": .text,
                "connection_id": .bigint, "reason": .text, "duration_ms": .doublePrecision, "detail": .text,
            ],
        ]
        for (table, columns) in expected {
            let types = try Support.columnTypes(session, table)
            for (column, type) in columns {
                #expect(types[column] == type, "\(table).\(column) is \(String(describing: types[column])), expected \(type)")
            }
        }
    }

    @Test func poolRowShowsStateGenerationAndTopologyAndKeepsTotalsConsistent() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "p", uri: server.uri, options: ["max_connecting": .int(3), "connect_timeout_ms": .text("4s")])
        for _ in 0..<5 { try pool.ping() }

        let sql = """
            SELECT pool_state, topology_type, pool_generation, max_connecting, connect_timeout_ms, operations, operations_total,
                   errors, errors_total, p95_operation_time, p99_operation_time, checkouts_total, avg_checkout_wait_ms,
                   max_checkout_wait_ms
            FROM mongodb_connection_pools WHERE pool_name = 'p'
            """
        #expect(try Support.eventually { try Support.rows(session, sql).first?["pool_state"] == .text("ready") })
        let row = try #require(try Support.rows(session, sql).first)
        #expect(row["topology_type"]?.isNull == false)
        #expect(row["max_connecting"] == .int(3))
        #expect(row["connect_timeout_ms"] == .int(4000))
        // Both spellings of a counter come from the same snapshot, so they agree.
        #expect(row["operations"] == row["operations_total"])
        #expect(row["errors"] == row["errors_total"])
        guard case let .int(generation)? = row["pool_generation"], case let .int(operations)? = row["operations_total"],
              case let .double(p95)? = row["p95_operation_time"], case let .double(p99)? = row["p99_operation_time"],
              case let .int(checkouts)? = row["checkouts_total"], case let .double(averageWait)? = row["avg_checkout_wait_ms"],
              case let .double(maximumWait)? = row["max_checkout_wait_ms"]
        else {
            Issue.record("unexpected row \(row)")
            return
        }
        #expect(generation >= 0)
        #expect(operations >= 5)
        #expect(p95 >= 0 && p99 >= p95)
        #expect(checkouts >= 0 && averageWait >= 0 && maximumWait >= averageWait)

        _ = try session.execute("ALTER POOL p DISABLE")
        let disabled = try #require(try Support.rows(session, sql).first)
        #expect(disabled["pool_state"] == .text("closed"))
        #expect(disabled["pool_generation"] == .null)
        #expect(disabled["topology_type"] == .null)
    }

    @Test func serversAndConnectionsAreListedPerPool() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let first = try engine.createPool(name: "first", uri: server.uri)
        _ = try engine.createPool(name: "second", uri: server.uri)
        try first.ping()

        let servers = try Support.rows(session, "SELECT * FROM mongodb_servers WHERE pool_name = 'first'")
        #expect(servers.map { $0["server_address"] } == [.text("127.0.0.1:\(server.port)")])
        for row in servers {
            #expect(row["pool_name"] == .text("first"))
            #expect(row["server_type"]?.isNull == false)
        }
        #expect(try Support.rows(session, "SELECT pool_name FROM mongodb_servers ORDER BY 1")
                == [["pool_name": .text("first")], ["pool_name": .text("second")]])
        #expect(try Support.rows(session, "SELECT * FROM mongodb_servers WHERE pool_name = 'nope'").isEmpty)

        // Whatever connections the pool has, each row is one of its own, with a consistent state.
        let connections = try Support.rows(session, "SELECT * FROM mongodb_connections WHERE pool_name = 'first'")
        for row in connections {
            #expect(row["pool_name"] == .text("first"))
            #expect(row["server_address"] == .text("127.0.0.1:\(server.port)"))
            #expect([Value.text("connecting"), .text("idle"), .text("in_use")].contains(row["state"] ?? .null))
            #expect((row["idle_seconds"]?.isNull == false) == (row["state"] == .text("idle")))
        }

        _ = try session.execute("ALTER POOL first DISABLE")
        #expect(try Support.rows(session, "SELECT * FROM mongodb_connections WHERE pool_name = 'first'").isEmpty)
        #expect(try Support.rows(session, "SELECT * FROM mongodb_servers WHERE pool_name = 'first'").isEmpty)
    }

    @Test(arguments: [
        ("SELECT * FROM mongodb_connections WHERE pool_name = 'p' AND state = 'idle'", ["pool_name = 'p' (exact)", "state = 'idle' (exact)"]),
        ("SELECT * FROM mongodb_servers WHERE pool_name = 'p'", ["pool_name = 'p' (exact)"]),
        ("SELECT * FROM connection_pool_events WHERE pool_name = 'p' AND event_type = 'pool_cleared'",
         ["pool_name = 'p' (exact)", "event_type = 'pool_cleared' (exact)"]),
        ("SELECT pool_state FROM mongodb_connection_pools WHERE pool_name = 'p'", ["pool_name = 'p' (exact)"]),
    ])
    func filtersArePushedDown(sql: String, pushed: [String]) throws {
        let engine = try Engine()
        let plan = try Support.explain(engine.makeSession(), sql)
        for filter in pushed {
            #expect(plan.contains(filter), "\(filter) not pushed down in:\n\(plan)")
        }
        #expect(!plan.contains("Filter:"), "a filter is left above the scan:\n\(plan)")
    }

    @Test func eventsTableShowsEmittedEventsWithTheirValuesAndFilters() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let a = try engine.createPool(name: "a", uri: server.uri)
        let b = try engine.createPool(name: "b", uri: server.uri)
        let start = Timestamp.now()
        func at(_ ms: Int64) -> Timestamp { Timestamp(microseconds: start.microseconds + ms * 1000) }
        a.events.emit(Support.syntheticEvent(a, .connectionCreated, marker: "synthetic-1", connectionID: 7, time: at(1)))
        b.events.emit(Support.syntheticEvent(b, .connectionCheckOutFailed, marker: "synthetic-2", reason: .timeout, durationMS: 12.5, time: at(2)))
        a.events.emit(Support.syntheticEvent(a, .connectionClosed, marker: "synthetic-3", connectionID: 7, reason: .idle, time: at(3)))
        a.events.emit(PoolEvent(time: at(4), poolName: "a", type: .poolCleared, detail: "synthetic-4", interruptInUseConnections: true))

        // Oldest first across pools, without ORDER BY.
        let all = try Support.rows(session, "SELECT * FROM connection_pool_events WHERE detail LIKE 'synthetic-%'")
        #expect(all.map { $0["detail"] } == (1...4).map { .text("synthetic-\($0)") })
        #expect(all[0] == ["event_time": .timestamp(at(1)), "pool_name": .text("a"), "event_type": .text("connection_created"),
                           "server_address": .text("127.0.0.1:1"), "connection_id": .int(7), "reason": .null,
                           "duration_ms": .null, "detail": .text("synthetic-1"), "interrupt_in_use_connections": .null])
        #expect(all[1]["reason"] == .text("timeout"))
        #expect(all[1]["duration_ms"] == .double(12.5))
        #expect(all[3]["server_address"] == .null)
        #expect(all[3]["interrupt_in_use_connections"] == .bool(true))

        let filtered = try Support.rows(session, """
            SELECT detail FROM connection_pool_events
            WHERE pool_name = 'a' AND event_type = 'connection_closed' AND detail LIKE 'synthetic-%'
            """)
        #expect(filtered == [["detail": .text("synthetic-3")]])
        let limited = try Support.rows(session, "SELECT detail FROM connection_pool_events WHERE detail LIKE 'synthetic-%' LIMIT 2")
        #expect(limited == [["detail": .text("synthetic-1")], ["detail": .text("synthetic-2")]])

        // A disabled pool keeps showing its last run's events; enabling starts a new log.
        _ = try session.execute("ALTER POOL a DISABLE")
        let kept = try Support.rows(session, "SELECT detail FROM connection_pool_events WHERE pool_name = 'a' AND detail LIKE 'synthetic-%'")
        #expect(kept.count == 3)
        _ = try session.execute("ALTER POOL a ENABLE")
        #expect(try Support.rows(session, "SELECT detail FROM connection_pool_events WHERE pool_name = 'a' AND detail LIKE 'synthetic-%'").isEmpty)
    }

    @Test func eventBufferSizeAppliesToLiveAndNewPools() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let live = try engine.createPool(name: "live", uri: server.uri)
        #expect(live.events.capacity == 1000)

        _ = try session.execute("SET connection_pool_event_buffer_size = 3")
        #expect(live.events.capacity == 3)
        for index in 1...5 { live.events.emit(Support.syntheticEvent(live, .connectionCheckedIn, marker: "synthetic-\(index)")) }
        let count = "SELECT count(*) AS n FROM connection_pool_events WHERE pool_name = 'live'"
        #expect(try Support.rows(session, count) == [["n": .int(3)]])

        let later = try engine.createPool(name: "later", uri: server.uri)
        #expect(later.events.capacity == 3)

        _ = try session.execute("SET connection_pool_event_buffer_size = 0")
        #expect(try Support.rows(session, count) == [["n": .int(0)]])
        _ = try session.execute("RESET connection_pool_event_buffer_size")
        #expect(live.events.capacity == 1000 && later.events.capacity == 1000)

        for value in ["-1", "1000001", "'lots'"] {
            do {
                _ = try session.execute("SET connection_pool_event_buffer_size = \(value)")
                Issue.record("expected 22023 for \(value)")
            } catch {
                #expect(error.code == .invalidParameterValue)
            }
        }
        #expect(live.events.capacity == 1000)
    }

    @Test func engineSubscribersGetEventsOfEveryPoolIncludingLaterOnes() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let received = Recorder<String>()
        let subscription = engine.subscribeToPoolEvents { event in
            if let detail = event.detail, detail.hasPrefix("synthetic-") {
                received.append("\(event.poolName):\(detail)")
            }
        }
        let before = try engine.createPool(name: "before", uri: server.uri)
        before.events.emit(Support.syntheticEvent(before, .connectionCreated, marker: "synthetic-1"))
        let after = try engine.createPool(name: "after", uri: server.uri)
        after.events.emit(Support.syntheticEvent(after, .connectionCreated, marker: "synthetic-2"))
        // Re-enabled pools are new MongoPools: still covered.
        let session = engine.makeSession()
        _ = try session.execute("ALTER POOL before DISABLE; ALTER POOL before ENABLE")
        let reopened = try engine.pool(named: "before")
        reopened.events.emit(Support.syntheticEvent(reopened, .connectionCreated, marker: "synthetic-3"))
        #expect(received.all == ["before:synthetic-1", "after:synthetic-2", "before:synthetic-3"])

        subscription.cancel()
        after.events.emit(Support.syntheticEvent(after, .connectionCreated, marker: "synthetic-4"))
        #expect(received.all.count == 3)
    }
}
