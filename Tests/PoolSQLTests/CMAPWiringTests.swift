import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing

/// What the tables must show once `MongoPool.snapshot()` and the event log are fed by the CMAP
/// pool and the topology monitor: one row per real connection with its state, the server as
/// SDAM sees it with its pool's counts, checkout counters, and the CMAP event sequence.
@Suite(.serialized) struct CMAPWiringTests {
    typealias Support = PoolTableTestSupport

    @Test func connectionsTableShowsEachConnectionWithItsState() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "p", uri: server.uri, options: ["max_pool_size": .int(4)])
        let address = Value.text("127.0.0.1:\(server.port)")

        let (held, heldID) = try pool.withConnection { connection -> ([String: Value], Value) in
            _ = try connection.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
            let rows = try Support.rows(session, "SELECT * FROM mongodb_connections WHERE pool_name = 'p' AND state = 'in_use'")
            #expect(rows.count == 1)
            let row = rows.first ?? [:]
            return (row, row["connection_id"] ?? .null)
        }
        #expect(held["server_address"] == address)
        #expect(held["last_checked_out_at"]?.isNull == false)
        #expect(held["idle_seconds"] == .null)
        #expect(held["server_connection_id"]?.isNull == false)
        if case let .int(count)? = held["checkout_count"] { #expect(count >= 1) } else { Issue.record("checkout_count \(String(describing: held["checkout_count"]))") }
        guard case let .int(id) = heldID else {
            Issue.record("no in_use connection while one was checked out (connection_id \(heldID))")
            return
        }
        #expect(id >= 1)

        let back = try Support.rows(session, "SELECT state, idle_seconds, last_checked_in_at FROM mongodb_connections WHERE pool_name = 'p' AND connection_id = \(id)")
        #expect(back.count == 1)
        #expect(back.first?["state"] == .text("idle"))
        #expect(back.first?["idle_seconds"]?.isNull == false)
        #expect(back.first?["last_checked_in_at"]?.isNull == false)

        // The table and the pool's counters come from the same kind of snapshot: they agree
        // when nothing happens in between (no background connections: min_pool_size is 0).
        let connections = try Support.rows(session, "SELECT count(*) AS n FROM mongodb_connections WHERE pool_name = 'p'")
        let total = try Support.rows(session, "SELECT total_connections AS n FROM mongodb_connection_pools WHERE pool_name = 'p'")
        #expect(connections == total)
    }

    /// SecantusDB answers hello as the primary of a one-member replica set; with one seed and no
    /// `replicaSet` option libmongoc treats the topology as Single.
    @Test func serversTableShowsTheServerWithItsPool() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "p", uri: server.uri)
        try pool.ping()
        let sql = "SELECT * FROM mongodb_servers WHERE pool_name = 'p'"
        #expect(try Support.eventually { try Support.rows(session, sql).first?["server_type"] == .text("RSPrimary") })
        let row = try #require(try Support.rows(session, sql).first)
        #expect(row["server_address"] == .text("127.0.0.1:\(server.port)"))
        #expect(row["pool_state"] == .text("ready"))
        #expect(row["max_wire_version"]?.isNull == false)
        #expect(row["round_trip_time_ms"]?.isNull == false)
        #expect(row["last_heartbeat"]?.isNull == false)
        #expect(row["last_error"] == .null)
        if case let .int(total)? = row["total_connections"] { #expect(total >= 1) } else { Issue.record("total_connections \(String(describing: row["total_connections"]))") }
        #expect(row["pool_generation"] == .int(0))
        #expect(try Support.rows(session, "SELECT topology_type FROM mongodb_connection_pools WHERE pool_name = 'p'")
                == [["topology_type": .text("Single")]])
    }

    @Test func poolTableCountsCheckoutsAndWaits() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "p", uri: server.uri)
        for _ in 0..<5 { try pool.ping() }
        let row = try #require(try Support.rows(session, """
            SELECT checkouts_total, avg_checkout_wait_ms, max_checkout_wait_ms, operations_total, p95_operation_time, p99_operation_time
            FROM mongodb_connection_pools WHERE pool_name = 'p'
            """).first)
        guard case let .int(checkouts)? = row["checkouts_total"], case let .double(p95)? = row["p95_operation_time"],
              case let .double(p99)? = row["p99_operation_time"], case let .double(maximumWait)? = row["max_checkout_wait_ms"]
        else {
            Issue.record("unexpected row \(row)")
            return
        }
        #expect(checkouts >= 5)
        #expect(p95 > 0 && p99 >= p95)
        #expect(maximumWait > 0)
    }

    @Test func eventsTableRecordsTheCMAPLifecycle() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let pool = try engine.createPool(name: "p", uri: server.uri)
        try pool.ping()
        let expected: Set<String> = ["pool_created", "pool_ready", "connection_created", "connection_ready",
                                     "connection_check_out_started", "connection_checked_out", "connection_checked_in"]
        let types = { () throws -> Set<String> in
            Set(try Support.rows(session, "SELECT event_type FROM connection_pool_events WHERE pool_name = 'p'").map { $0["event_type"]?.description ?? "" })
        }
        let complete = try Support.eventually { try expected.isSubset(of: types()) }
        let seen = try types()
        #expect(complete, "saw \(seen.sorted())")
        // The topology's events come first (the monitor finds the server); the first CMAP event
        // is the server pool's creation.
        let first = try Support.rows(session, """
            SELECT event_type FROM connection_pool_events
            WHERE pool_name = 'p' AND (event_type LIKE 'pool%' OR event_type LIKE 'connection%') LIMIT 1
            """)
        #expect(first == [["event_type": .text("pool_created")]])
        let sdamFirst = try Support.rows(session, "SELECT event_type FROM connection_pool_events WHERE pool_name = 'p' LIMIT 1")
        #expect(sdamFirst == [["event_type": .text("topology_description_changed")]])
        let ready = try Support.rows(session, "SELECT connection_id, duration_ms, server_address FROM connection_pool_events WHERE pool_name = 'p' AND event_type = 'connection_ready'")
        #expect(ready.first?["connection_id"]?.isNull == false)
        #expect(ready.first?["duration_ms"]?.isNull == false)
        #expect(ready.first?["server_address"] == .text("127.0.0.1:\(server.port)"))
    }

    @Test func engineSubscribersSeeAPoolFromItsCreation() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let received = Recorder<String>()
        let subscription = engine.subscribeToPoolEvents { event in
            if event.poolName == "p" { received.append(event.type.rawValue) }
        }
        defer { subscription.cancel() }
        let pool = try engine.createPool(name: "p", uri: server.uri)
        try pool.ping()
        #expect(Support.eventually { received.all.contains("connection_checked_in") })
        #expect(received.all.first { $0.hasPrefix("pool_") || $0.hasPrefix("connection_") } == "pool_created")
        #expect(received.all.first == "topology_description_changed")
    }
}
