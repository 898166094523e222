import PoolSQLCatalog
import PoolSQLCore

/// Tables every engine test (and every .slt file) starts with. The same data, as SQL, is in
/// `slt/README.md` so expected answers can be checked against PostgreSQL.
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

    /// The statement timestamp the tests run with: 2026-01-15 12:00:00 UTC.
    static let statementTimestamp = Timestamp(fields: .init(year: 2026, month: 1, day: 15, hour: 12))
}
