import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax
import Testing

/// Views are inlined by the planner from a `ViewCatalog`.
@Suite struct ViewTests {
    struct Views: ViewCatalog {
        let tables: [String: any TableProvider]
        let views: [String: Query]
        func table(named name: String) -> (any TableProvider)? { tables[name] }
        func view(named name: String) -> Query? { views[name] }
        var tableNames: [String] { Array(tables.keys) + Array(views.keys) }
    }

    func catalog(_ table: any TableProvider, _ definitions: [String: String]) throws -> Views {
        var views: [String: Query] = [:]
        for (name, sql) in definitions { views[name] = try Harness.query(sql) }
        return Views(tables: ["pools": table], views: views)
    }

    func run(_ sql: String, _ catalog: Views) throws -> [String] {
        try QueryExecutor.execute(query: Harness.query(sql), catalog: catalog, context: Harness.context).rows
            .map { $0.map { $0.isNull ? "NULL" : $0.description }.joined(separator: " ") }
    }

    @Test func viewsAreInlinedAndFiltersReachTheirTables() throws {
        let table = RecordingTable(support: { _ in .exact })
        let views = try catalog(table, ["busy": "SELECT pool_name AS name, in_use, environment FROM pools WHERE in_use > 5"])
        #expect(try run("SELECT name FROM busy WHERE environment = 'prod' ORDER BY name", views) == ["Inventory", "billing", "orders"])
        let request = try #require(table.requests.last)
        #expect(Set(request.filters) == [ScanFilter(column: 3, op: .greater, value: .int(5)), ScanFilter(column: 1, op: .equal, value: .text("prod"))])
        #expect(try run("SELECT b.name, count(*) OVER () FROM busy b WHERE b.in_use = 42", views) == ["orders 1"])
    }

    @Test func viewsOfViewsAndRecursionLimit() throws {
        let views = try catalog(Fixtures.pools(), [
            "prod": "SELECT * FROM pools WHERE environment = 'prod'",
            "prod_busy": "SELECT pool_name FROM prod WHERE in_use > 40",
            "loop": "SELECT * FROM loop",
        ])
        #expect(Set(try run("SELECT * FROM prod_busy", views)) == ["orders", "billing"])
        do {
            _ = try run("SELECT * FROM loop", views)
            Issue.record("expected the recursion limit")
        } catch let error as PoolSQLError {
            #expect(error.code == SQLState("42P17"))
        }
        // Unknown names still get hints that include views.
        do {
            _ = try run("SELECT * FROM prod_bsy", views)
            Issue.record("expected 42P01")
        } catch let error as PoolSQLError {
            #expect(error.hint == "did you mean \"prod_busy\"?")
        }
    }
}
