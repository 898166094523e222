import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax
import Synchronization
import Testing

/// The entry points the façade uses besides query execution.
@Suite struct ExecutionEntryPointTests {
    func constant(_ sql: String) throws(PoolSQLError) -> Value {
        try ExpressionEvaluator.evaluateConstant(try Parser.parseExpression(sql), context: Harness.context)
    }

    @Test func evaluateConstantTypesAndComputes() throws {
        #expect(try constant("42") == .int(42))
        #expect(try constant("-5 * 2") == .int(-10))
        #expect(try constant("'text'") == .text("text"))
        #expect(try constant("INTERVAL '24 hours'") == .interval(Interval(microseconds: 86_400_000_000)))
        #expect(try constant("'2' || 'x'") == .text("2x"))
        #expect(try constant("1.50") == .numeric(try #require(SQLNumeric(parsing: "1.50"))))
        #expect(try constant("NOW()") == .timestamp(Fixtures.statementTimestamp))
        #expect(try constant("NULL") == .null)
        #expect(try constant("TRUE AND NOT FALSE") == .bool(true))
    }

    @Test func evaluateConstantRejectsColumnsAndBadInput() throws {
        #expect(throws: PoolSQLError.self) { try constant("pool_name") }
        do {
            _ = try constant("1 / 0")
            Issue.record("expected division by zero")
        } catch {
            #expect(error.code == .divisionByZero)
        }
    }

    @Test func cancelledStatementsStop() throws {
        let cancelled = ExecutionContext(statementTimestamp: Fixtures.statementTimestamp, isCancelled: { true })
        let query = try Harness.query("SELECT * FROM pools")
        do {
            _ = try QueryExecutor.execute(query: query, catalog: StaticCatalog(tables: ["pools": Fixtures.pools()]), context: cancelled)
            Issue.record("expected cancellation")
        } catch {
            #expect(error.code == .queryCanceled)
        }
    }

    @Test func resultSetCarriesNamesTypesAndRows() throws {
        let result = try Harness.run("SELECT pool_name AS name, in_use, wait_ms FROM pools WHERE in_use = 42")
        #expect(result.columns.map(\.name) == ["name", "in_use", "wait_ms"])
        #expect(result.columns.map(\.type) == [.text, .integer, .doublePrecision])
        #expect(result.rows == [[.text("orders"), .int(42), .double(12.5)]])
    }

    @Test func tableNamesResolveCaseInsensitivelyUnlessQuoted() throws {
        #expect(try Harness.lines("SELECT count(*) FROM POOLS") == ["5"])
        let e = Harness.error("SELECT count(*) FROM \"POOLS\"")
        #expect(e?.code == .undefinedTable)
        #expect(e?.hint == "did you mean \"pools\"?")
    }

    @Test func providerErrorsPropagate() throws {
        struct Failing: TableProvider {
            var schema: TableSchema { TableSchema(columns: [.init(name: "x", type: .integer)]) }
            func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
                throw PoolSQLError(.connectionFailure, "pool unreachable")
            }
        }
        let query = try Harness.query("SELECT x FROM broken")
        do {
            _ = try QueryExecutor.execute(query: query, catalog: StaticCatalog(tables: ["broken": Failing()]), context: Harness.context)
            Issue.record("expected the provider's error")
        } catch {
            #expect(error.code == .connectionFailure)
        }
    }

    @Test func reusedContextDoesNotReuseSubqueryResults() throws {
        let table = MemoryTable(columns: [.init(name: "n", type: .integer)], rows: [[.int(1)]])
        let catalog = StaticCatalog(tables: ["t": table])
        let query = try Harness.query("SELECT (SELECT max(n) FROM t)")
        #expect(try QueryExecutor.execute(query: query, catalog: catalog, context: Harness.context).rows == [[.int(1)]])
        try table.insert([.int(5)])
        #expect(try QueryExecutor.execute(query: query, catalog: catalog, context: Harness.context).rows == [[.int(5)]])
    }
}
