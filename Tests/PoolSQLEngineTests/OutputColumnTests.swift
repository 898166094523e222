import PoolSQLCore
import Testing

/// Output column names and types follow PostgreSQL.
@Suite struct OutputColumnTests {
    func columns(_ sql: String) throws -> [String] {
        try Harness.run(sql).columns.map(\.name)
    }

    @Test func namesFollowPostgres() throws {
        #expect(try columns("SELECT pool_name, in_use AS used, p.max_size FROM pools p") == ["pool_name", "used", "max_size"])
        #expect(try columns("SELECT 1, 1 + 2, 'a' || 'b', -in_use FROM pools") == ["?column?", "?column?", "?column?", "?column?"])
        #expect(try columns("SELECT round(1.5), coalesce(NULL, 1), nullif(1, 2), lower('A'), now(), CURRENT_TIMESTAMP")
            == ["round", "coalesce", "nullif", "lower", "now", "current_timestamp"])
        #expect(try columns("SELECT CASE WHEN true THEN 1 END, in_use::text, '1'::int, CAST(1.5 AS double precision) FROM pools")
            == ["case", "in_use", "int4", "float8"])
        #expect(try columns("SELECT TIMESTAMP '2026-01-01', INTERVAL '1 day', 2.5::numeric(4,1)") == ["timestamp", "interval", "numeric"])
        #expect(try columns("SELECT * FROM pools").count == 8)
    }

    @Test func typesFollowPostgres() throws {
        let r = try Harness.run("SELECT 1, 3000000000, 1.5, 1.5::float8, 'a', TRUE, in_use / 2, in_use * 1.0, wait_ms + 1, created_at, INTERVAL '1 day', now(), length('x'), round(2.5::float8) FROM pools LIMIT 1")
        #expect(r.columns.map(\.type) == [
            .integer, .bigint, .numeric(precision: nil, scale: nil), .doublePrecision, .text, .boolean, .integer,
            .numeric(precision: nil, scale: nil), .doublePrecision, .timestamp, .interval, .timestamptz, .integer, .doublePrecision,
        ])
    }

    @Test func nowIsFixedForTheStatement() throws {
        let r = try Harness.run("SELECT now(), CURRENT_TIMESTAMP FROM pools")
        #expect(Set(r.rows.flatMap { $0 }) == [.timestamp(Fixtures.statementTimestamp)])
    }
}
