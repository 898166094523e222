import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import Testing

@Suite struct PushdownTests {
    @Test func exactFilterIsPushedAndNotReapplied() throws {
        let table = RecordingTable(support: { _ in .exact })
        let rows = try Harness.lines("SELECT pool_name, in_use FROM pools WHERE pool_name = 'orders'", tables: ["pools": table])
        #expect(rows == ["orders 42"])
        let request = try #require(table.requests.first)
        #expect(request.filters == [ScanFilter(column: 0, op: .equal, value: .text("orders"))])
        #expect(request.projection == [0, 3])
        let plan = try Harness.explain("SELECT pool_name, in_use FROM pools WHERE pool_name = 'orders'", tables: ["pools": table])
        #expect(!plan.contains(where: { $0.contains("Filter:") }))
        #expect(plan.last?.contains("filters=[pool_name = 'orders' (exact)]") == true)
    }

    @Test func inexactFilterIsPushedAndReapplied() throws {
        let table = RecordingTable(support: { _ in .inexact }, honourFilters: false)
        let rows = try Harness.lines("SELECT pool_name FROM pools WHERE in_use > 10 ORDER BY pool_name", tables: ["pools": table])
        #expect(rows == ["billing", "orders"])
        #expect(table.requests.first?.filters == [ScanFilter(column: 3, op: .greater, value: .int(10))])
        let plan = try Harness.explain("SELECT pool_name FROM pools WHERE in_use > 10", tables: ["pools": table])
        #expect(plan.contains(where: { $0.contains("Filter: in_use > 10") }))
        #expect(plan.last?.contains("(inexact)") == true)
    }

    @Test func unsupportedFilterIsKeptByTheEngine() throws {
        let table = RecordingTable(support: { _ in .unsupported })
        let rows = try Harness.lines("SELECT pool_name FROM pools WHERE environment = 'staging'", tables: ["pools": table])
        #expect(rows == ["search"])
        let request = try #require(table.requests.first)
        #expect(request.filters.isEmpty)
        #expect(request.projection == [0, 1])
    }

    @Test func mixedSupportPushesOnlyAcceptedFilters() throws {
        // Equality is exact, everything else unsupported.
        let table = RecordingTable(support: { $0.op == .equal ? .exact : .unsupported })
        let sql = "SELECT pool_name FROM pools WHERE environment = 'prod' AND in_use < 45 AND pool_name LIKE '%o%'"
        let rows = try Harness.lines(sql, tables: ["pools": table])
        #expect(Set(rows) == ["orders", "Inventory"])
        #expect(table.requests.first?.filters == [ScanFilter(column: 1, op: .equal, value: .text("prod"))])
        let plan = try Harness.explain(sql, tables: ["pools": table])
        #expect(plan.contains(where: { $0.contains("Filter: (in_use < 45) AND (pool_name LIKE '%o%')") }))
    }

    @Test func untypedLiteralIsCoercedBeforePushdown() throws {
        let table = RecordingTable(support: { _ in .exact })
        _ = try Harness.run("SELECT pool_name FROM pools WHERE created_at > '2026-01-02'", tables: ["pools": table])
        let filter = try #require(table.requests.first?.filters.first)
        #expect(filter.column == 5 && filter.op == .greater)
        #expect(filter.value == .timestamp(try Timestamp(parsing: "2026-01-02")))
    }

    @Test func constantExpressionsAreFoldedAndPushed() throws {
        let table = RecordingTable(support: { _ in .exact })
        let rows = try Harness.lines("SELECT pool_name FROM pools WHERE created_at > NOW() - INTERVAL '14 days' ORDER BY 1", tables: ["pools": table])
        #expect(rows == ["billing", "search"])
        let filter = try #require(table.requests.first?.filters.first)
        #expect(filter.value == .timestamp(try Timestamp(parsing: "2026-01-01 12:00:00")))
    }

    @Test func literalOnTheLeftIsFlipped() throws {
        let table = RecordingTable(support: { _ in .exact })
        _ = try Harness.run("SELECT pool_name FROM pools WHERE 10 < in_use", tables: ["pools": table])
        #expect(table.requests.first?.filters == [ScanFilter(column: 3, op: .greater, value: .int(10))])
    }

    @Test func nullInListAndBetweenShapesArePushed() throws {
        let table = RecordingTable(support: { _ in .exact })
        let rows = try Harness.lines(
            "SELECT pool_name FROM pools WHERE max_size IS NOT NULL AND environment IN ('prod', 'dev') AND in_use BETWEEN 5 AND 45 ORDER BY 1",
            tables: ["pools": table])
        #expect(rows == ["Inventory", "orders"])
        let ops = table.requests.first?.filters.map(\.op) ?? []
        #expect(ops == [.isNotNull, .in, .greaterOrEqual, .lessOrEqual])
    }

    @Test func limitIsPushedOnlyWhenSafe() throws {
        let exact = RecordingTable(support: { _ in .exact })
        #expect(try Harness.lines("SELECT pool_name FROM pools LIMIT 2 OFFSET 1", tables: ["pools": exact]) == ["billing", "search"])
        #expect(exact.requests.last?.limit == 3)

        _ = try Harness.run("SELECT pool_name FROM pools WHERE in_use > 1 LIMIT 2", tables: ["pools": exact])
        #expect(exact.requests.last?.limit == 2)

        _ = try Harness.run("SELECT pool_name FROM pools ORDER BY in_use LIMIT 2", tables: ["pools": exact])
        #expect(exact.requests.last?.limit == nil)

        _ = try Harness.run("SELECT DISTINCT environment FROM pools LIMIT 1", tables: ["pools": exact])
        #expect(exact.requests.last?.limit == nil)

        // A filter the engine must re-apply could drop rows after the table's limit.
        let inexact = RecordingTable(support: { _ in .inexact }, honourFilters: false)
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE in_use < 10 LIMIT 2", tables: ["pools": inexact]) == ["search", "analytics"])
        #expect(inexact.requests.last?.limit == nil)

        let unsupported = RecordingTable(support: { _ in .unsupported })
        _ = try Harness.run("SELECT pool_name FROM pools WHERE lower(pool_name) = 'orders' LIMIT 1", tables: ["pools": unsupported])
        #expect(unsupported.requests.last?.limit == nil)
    }

    @Test func projectionCoversEveryColumnUsedAboveTheScan() throws {
        let table = RecordingTable(support: { _ in .unsupported })
        let rows = try Harness.lines("SELECT upper(pool_name) FROM pools WHERE wait_ms > 1 ORDER BY created_at DESC", tables: ["pools": table])
        #expect(rows == ["BILLING", "ORDERS", "INVENTORY"])
        #expect(table.requests.first?.projection == [0, 4, 5])

        _ = try Harness.run("SELECT 1 FROM pools", tables: ["pools": table])
        #expect(table.requests.last?.projection == [])

        _ = try Harness.run("SELECT * FROM pools", tables: ["pools": table])
        #expect(table.requests.last?.projection == [0, 1, 2, 3, 4, 5, 6, 7])
    }

    @Test func explainShowsTheWholeTree() throws {
        let plan = try Harness.explain("SELECT pool_name FROM pools WHERE pool_name = 'p' LIMIT 5")
        #expect(plan == [
            "Limit: 5",
            "  Projection: pool_name",
            "    TableScan: pools projection=[pool_name] filters=[pool_name = 'p' (exact)] limit=5",
        ])
    }

    @Test func memoryTableAppliesFiltersProjectionAndLimit() throws {
        let table = Fixtures.pools()
        let rows = try table.scan(ScanRequest(projection: [3, 0], filters: [ScanFilter(column: 1, op: .equal, value: .text("prod"))], limit: 2))
        #expect(rows == [[.int(42), .text("orders")], [.int(50), .text("billing")]])
        #expect(table.supportsFilter(ScanFilter(column: 0, op: .like, value: .text("o%"))) == .exact)
        #expect(try table.scan(ScanRequest(filters: [ScanFilter(column: 2, op: .isNull)])).count == 1)
        #expect(try table.scan(ScanRequest(filters: [ScanFilter(column: 2, op: .in, value: .array([.int(10), .int(20), .null])) ])).count == 2)
    }

    @Test func filtersReachScansThroughSubqueriesAndCTEs() throws {
        let table = RecordingTable(support: { _ in .exact })
        let sql = "WITH busy AS (SELECT pool_name AS name, in_use FROM pools) SELECT name FROM busy WHERE name = 'orders'"
        #expect(try Harness.lines(sql, tables: ["pools": table]) == ["orders"])
        #expect(table.requests.last?.filters == [ScanFilter(column: 0, op: .equal, value: .text("orders"))])
        #expect(table.requests.last?.projection == [0])

        _ = try Harness.run("SELECT * FROM (SELECT pool_name, max_size - in_use AS free FROM pools) s WHERE s.free > 5 AND s.pool_name LIKE 'o%'",
                            tables: ["pools": table])
        // The computed column's filter stays above the scan; the plain one is pushed.
        #expect(table.requests.last?.filters == [ScanFilter(column: 0, op: .like, value: .text("o%"))])
    }

    @Test func filtersReachTheRightSideOfJoins() throws {
        let left = RecordingTable(support: { _ in .exact })
        let right = RecordingTable(support: { _ in .exact })
        let tables: [String: any TableProvider] = ["pools": left, "other": right]
        let rows = try Harness.lines(
            "SELECT p.pool_name, o.in_use FROM pools p JOIN other o ON o.pool_name = p.pool_name AND o.in_use > 10 WHERE p.environment = 'prod' ORDER BY 1",
            tables: tables)
        #expect(rows == ["billing 50", "orders 42"])
        #expect(left.requests.last?.filters == [ScanFilter(column: 1, op: .equal, value: .text("prod"))])
        #expect(right.requests.last?.filters == [ScanFilter(column: 3, op: .greater, value: .int(10))])
        #expect(left.requests.last?.projection == [0])
        #expect(right.requests.last?.projection == [0, 3])

        // A WHERE filter on the NULL-padded side of a LEFT JOIN must stay above the join.
        _ = try Harness.run("SELECT p.pool_name FROM pools p LEFT JOIN other o ON o.pool_name = p.pool_name WHERE o.in_use > 10",
                            tables: tables)
        #expect(right.requests.last?.filters == [])
        let plan = try Harness.explain("SELECT p.pool_name FROM pools p LEFT JOIN other o ON o.pool_name = p.pool_name WHERE o.in_use > 10",
                                       tables: tables)
        #expect(plan.first(where: { $0.contains("Filter") })?.contains("in_use > 10") == true)
        #expect(plan.contains(where: { $0.contains("Left Join: o.pool_name = p.pool_name") }))
    }

    @Test func correlatedSubqueriesKeepTheColumnsTheyRead() throws {
        let table = RecordingTable(support: { _ in .exact })
        let sql = "SELECT pool_name FROM pools p WHERE EXISTS (SELECT 1 FROM pools q WHERE q.in_use > p.in_use) AND p.environment = 'prod'"
        #expect(Set(try Harness.lines(sql, tables: ["pools": table])) == ["orders", "Inventory"])
        // The outer scan keeps every column (the subquery reads p.in_use by position) and still
        // gets the plain filter.
        let outer = try #require(table.requests.first)
        #expect(outer.projection == nil || outer.projection == Array(0..<8))
        #expect(outer.filters == [ScanFilter(column: 1, op: .equal, value: .text("prod"))])
        let plan = try Harness.explain(sql, tables: ["pools": table])
        #expect(plan.contains(where: { $0.contains("Filter: EXISTS (subquery)") }))
    }

    @Test func memoryTableInsertConvertsAndChecksNotNull() throws {
        let table = MemoryTable(columns: [.init(name: "id", type: .integer, nullable: false), .init(name: "note", type: .varchar(length: 3))])
        try table.insert([.text("42"), .text("abc")])
        #expect(table.rows == [[.int(42), .text("abc")]])
        #expect(throws: PoolSQLError.self) { try table.insert([.int(1), .text("abcd")]) }
        #expect(throws: PoolSQLError.self) { try table.insert([.null, .text("x")]) }
        #expect(throws: PoolSQLError.self) { try table.insert([.text("x"), .null]) }
        #expect(throws: PoolSQLError.self) { try table.insert([.int(1)]) }
    }
}
