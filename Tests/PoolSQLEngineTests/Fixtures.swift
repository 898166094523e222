import PoolSQLCatalog
import PoolSQLCore

/// Tables every engine test (and every .slt file) starts with. The same data, as SQL, is in
/// `slt/fixtures.sql`, which the differential tests load into PostgreSQL.
enum Fixtures {
    static func ts(_ text: String) -> Value {
        do { return .timestamp(try Timestamp(parsing: text)) } catch { return .null }
    }

    static func num(_ text: String) -> Value {
        SQLNumeric(parsing: text).map(Value.numeric) ?? .null
    }

    static let poolColumns: [PoolSQLCatalog.ColumnDefinition] = [
        .init(name: "pool_name", type: .text, nullable: false, description: "pool name"),
        .init(name: "environment", type: .text),
        .init(name: "max_size", type: .integer),
        .init(name: "in_use", type: .integer),
        .init(name: "wait_ms", type: .doublePrecision),
        .init(name: "created_at", type: .timestamp),
        .init(name: "enabled", type: .boolean),
        .init(name: "ratio", type: .numeric(precision: nil, scale: nil)),
    ]

    static var poolRows: [[Value]] {
        [
            [.text("orders"), .text("prod"), .int(100), .int(42), .double(12.5), ts("2026-01-01 10:00:00"), .bool(true), num("0.42")],
            [.text("billing"), .text("prod"), .int(50), .int(50), .double(250.75), ts("2026-01-02 11:30:00"), .bool(true), num("1.00")],
            [.text("search"), .text("staging"), .int(20), .int(0), .null, ts("2026-01-03 00:00:00"), .bool(false), num("0.00")],
            [.text("analytics"), .text("dev"), .null, .int(3), .double(0.25), .null, .null, .null],
            [.text("Inventory"), .text("prod"), .int(10), .int(7), .double(1.5), ts("2025-12-31 23:59:59.5"), .bool(true), num("0.70")],
        ]
    }

    static func pools() -> MemoryTable { MemoryTable(columns: poolColumns, rows: poolRows) }

    static let metricsHistoryColumns: [PoolSQLCatalog.ColumnDefinition] = [
        .init(name: "metric_timestamp", type: .timestamp, nullable: false),
        .init(name: "pool_name", type: .text, nullable: false),
        .init(name: "active_connections", type: .integer),
        .init(name: "connection_utilization", type: .doublePrecision),
        .init(name: "avg_operation_time", type: .doublePrecision),
        .init(name: "error_rate", type: .doublePrecision),
        .init(name: "checkout_failures", type: .integer),
        .init(name: "connections_created", type: .integer),
        .init(name: "connections_destroyed", type: .integer),
    ]

    /// Four pools × 96 samples (every 15 minutes over 2026-01-14), the formula of
    /// `slt/fixtures.sql`: integer arithmetic on (p, i), doubles as an integer over a power of ten.
    static var metricsHistoryRows: [[Value]] {
        let names = ["orders", "billing", "search", "analytics"]
        let start = Timestamp(fields: .init(year: 2026, month: 1, day: 14)).microseconds
        var rows: [[Value]] = []
        for p in 1...4 {
            for i in 0..<96 {
                let at = Timestamp(microseconds: start + Int64(i) * 15 * 60 * 1_000_000)
                let active: Int = (i * 7 + p * 13) % 40 + p * 5
                let utilization: Double = Double((i * 37 + p * 11) % 101) / 100
                let operationTicks: Int = (i * i * 3 + p * 17) % 5000 + p * 100
                let operationTime: Value = (i + p) % 23 == 0 ? .null : .double(Double(operationTicks) / 10)
                let errorTicks: Int = i % 31 == p ? 250 : (i * 13 + p * 29) % 50
                let failures: Int = (i * 3 + p) % 7 == 0 ? i % 5 : 0
                let created: Int = (i * 5 + p * 3) % 9
                let destroyed: Int = (i * 2 + p) % 6
                rows.append([
                    .timestamp(at), .text(names[p - 1]), .int(Int64(active)), .double(utilization), operationTime,
                    .double(Double(errorTicks) / 1000), .int(Int64(failures)), .int(Int64(created)), .int(Int64(destroyed)),
                ])
            }
        }
        return rows
    }

    static func metricsHistory() -> MemoryTable { MemoryTable(columns: metricsHistoryColumns, rows: metricsHistoryRows) }

    /// The statement timestamp the tests run with: 2026-01-15 12:00:00 UTC.
    static let statementTimestamp = Timestamp(fields: .init(year: 2026, month: 1, day: 15, hour: 12))
}
