import PoolSQL
import Testing

@Suite("INSERT INTO connection_pool_metrics")
struct MetricsInsertTests {
    func rows(_ session: Session, _ sql: String) throws -> [[Value]] {
        try session.execute(sql).last?.rows ?? []
    }

    @Test("a generated history goes into the store in one append and reads back")
    func insertFromQuery() throws {
        let engine = try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "test:1"))
        let session = engine.makeSession()
        let result = try session.execute("""
            INSERT INTO connection_pool_metrics (metric_timestamp, pool_name, environment, active_connections, connection_utilization, operations)
            SELECT now() - g * interval '10 minutes', 'orders', 'prod', g % 7, (g % 7) / 10.0, 100 + g
            FROM generate_series(1, 144) AS g
            """)
        #expect(result.last?.commandTag == "INSERT 0 144")
        #expect(try rows(session, "SELECT count(*), min(instance_id), max(health_status), sum(operations) FROM connection_pool_metrics")
                .map { $0.map(\.description) } == [["144", "test:1", "unknown", String(144 * 100 + 144 * 145 / 2)]])
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics WHERE metric_timestamp > now() - interval '1 hour'")
                == [[.int(5)]])
    }

    @Test("VALUES cells are typed by their column; a bad row inserts nothing")
    func valuesAndErrors() throws {
        let engine = try Engine(configuration: EngineConfiguration(metricsSampling: false))
        let session = engine.makeSession()
        _ = try session.execute("INSERT INTO connection_pool_metrics (metric_timestamp, pool_name, errors) VALUES ('2026-11-27 10:00:00+00', 'a', 1)")
        #expect(try rows(session, "SELECT pool_name, errors FROM connection_pool_metrics") == [[.text("a"), .int(1)]])

        let negative = #expect(throws: PoolSQLError.self) {
            try session.execute("""
                INSERT INTO connection_pool_metrics (metric_timestamp, pool_name, errors)
                VALUES ('2026-11-27 11:00:00+00', 'b', 2), ('2026-11-27 12:00:00+00', 'b', -1)
                """)
        }
        #expect(negative?.code == "22003")
        let missing = #expect(throws: PoolSQLError.self) {
            try session.execute("INSERT INTO connection_pool_metrics (metric_timestamp, errors) VALUES (now(), 1)")
        }
        #expect(missing?.code == "23502")
        let unknown = #expect(throws: PoolSQLError.self) {
            try session.execute("INSERT INTO connection_pool_metrics (metric_timestamp, pool_nam) VALUES (now(), 'x')")
        }
        #expect(unknown?.code == "42703")
        #expect(unknown?.hint?.contains("pool_name") == true)
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics") == [[.int(1)]])
    }
}
