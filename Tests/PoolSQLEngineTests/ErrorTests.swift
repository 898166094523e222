import PoolSQLCore
import Testing

/// Error codes, messages, hints, and the source ranges carets are drawn from.
@Suite struct ErrorTests {
    func error(_ sql: String) throws -> PoolSQLError {
        try #require(Harness.error(sql), "expected \(sql) to fail")
    }

    @Test func undefinedTableNamesTheClosestTable() throws {
        let e = try error("SELECT * FROM poolz")
        #expect(e.code == .undefinedTable)
        #expect(e.message == "relation \"poolz\" does not exist")
        #expect(e.hint == "did you mean \"pools\"?")
        #expect(e.range?.start.column == 15)
        #expect(e.range?.end.column == 20)
    }

    @Test func undefinedColumnNamesTheClosestColumn() throws {
        let e = try error("SELECT pool_nam FROM pools")
        #expect(e.code == .undefinedColumn)
        #expect(e.message == "column \"pool_nam\" does not exist")
        #expect(e.hint == "did you mean \"pool_name\"?")
        #expect(e.range?.start.column == 8)

        let q = try error("SELECT p.pool_nme FROM pools p")
        #expect(q.message == "column p.pool_nme does not exist")
        #expect(q.hint == "did you mean \"p.pool_name\"?")
    }

    @Test func errorsOnLaterLinesPointThere() throws {
        let e = try error("SELECT pool_name\nFROM pools\nWHERE in_use > 'x'")
        #expect(e.code == .invalidTextRepresentation)
        #expect(e.message == "invalid input syntax for type integer: \"x\"")
        #expect(e.range?.start.line == 3)
        #expect(e.range?.start.column == 16)
    }

    @Test func unknownFunctionNamesTheClosestFunction() throws {
        let e = try error("SELECT lenght(pool_name) FROM pools")
        #expect(e.code == .undefinedFunction)
        #expect(e.message == "function lenght(text) does not exist")
        #expect(e.hint == "did you mean length()?")
        #expect(e.range?.start.column == 8)
        #expect(try error("SELECT coalese(1)").hint == "did you mean coalesce()?")
        #expect(try error("SELECT percentile_cnt(0.5) WITHIN GROUP (ORDER BY in_use) FROM pools").hint == "did you mean percentile_cont()?")
    }

    @Test func unknownFunctionWithoutCloseNameGetsPostgresHint() throws {
        let e = try error("SELECT frobnicate(1)")
        #expect(e.code == .undefinedFunction)
        #expect(e.message == "function frobnicate(integer) does not exist")
        #expect(e.hint == "No function matches the given name and argument types. You might need to add explicit type casts.")
        let typed = try error("SELECT round('a'::text)")
        #expect(typed.message == "function round(text) does not exist")
        #expect(typed.hint == e.hint)
    }

    @Test func operatorTypeMismatch() throws {
        let e = try error("SELECT 1 + 'a'::text")
        #expect(e.code == .undefinedFunction)
        #expect(e.message == "operator does not exist: integer + text")
        #expect(e.range?.start.column == 8)

        let b = try error("SELECT pool_name FROM pools WHERE in_use AND TRUE")
        #expect(b.code == .datatypeMismatch)
        #expect(b.message == "argument of AND must be type boolean, not type integer")
        #expect(b.range?.start.column == 35)
    }

    @Test func badCastsPointAtTheLiteral() throws {
        let e = try error("SELECT 1, 'abc'::int")
        #expect(e.code == .invalidTextRepresentation)
        #expect(e.message == "invalid input syntax for type integer: \"abc\"")
        #expect(e.range?.start.column == 11)
    }

    @Test func runtimeErrorsPointAtTheirExpression() throws {
        let e = try error("SELECT pool_name, in_use / (in_use - in_use) FROM pools")
        #expect(e.code == .divisionByZero)
        #expect(e.message == "division by zero")
        #expect(e.range?.start.column == 19)

        let o = try error("SELECT 2147483647 + 1")
        #expect(o.code == .numericValueOutOfRange)
        #expect(o.message == "integer out of range")
    }

    @Test func groupingErrorsPointAtTheColumn() throws {
        let e = try error("SELECT environment, pool_name FROM pools GROUP BY environment")
        #expect(e.code == .groupingError)
        #expect(e.message == "column \"pools.pool_name\" must appear in the GROUP BY clause or be used in an aggregate function")
        #expect(e.range?.start.column == 21)
        let n = try error("SELECT sum(count(*)) FROM pools")
        #expect(n.message == "aggregate function calls cannot be nested")
        #expect(n.range?.start.column == 12)
    }

    @Test func ambiguousOrderByName() throws {
        let e = try error("SELECT pool_name AS x, environment AS x FROM pools ORDER BY x")
        #expect(e.code == .ambiguousColumn)
        #expect(e.range?.start.column == 61)
    }

    @Test func unsupportedFeaturesSay0A000WithTheirRange() throws {
        let w = try error("SELECT * FROM generate_series(1, 2) WITH ORDINALITY")
        #expect(w.code == .featureNotSupported)
        #expect(w.message == "generate_series WITH ORDINALITY is not supported yet")
        #expect(w.range?.start.column == 15)

        let j = try error("SELECT 1 FROM pools a FULL JOIN LATERAL (SELECT a.in_use) b ON true")
        #expect(j.code == .featureNotSupported)
        #expect(j.range != nil)

        let c = try error("SELECT environment, (SELECT count(*) FROM pools q WHERE q.in_use = p.in_use) FROM pools p GROUP BY 1")
        #expect(c.code == .groupingError)
        #expect(c.message == "subquery uses ungrouped column \"p.in_use\" from outer query")
        #expect(c.range?.start.column == 68)
        #expect(try error("SELECT * FROM json_each('{}')").code == .featureNotSupported)
    }

    @Test func renderedErrorsPutTheCaretUnderTheNode() throws {
        let sql = "SELECT pool_name,\n       in_use / 0\nFROM pools"
        let e = try error(sql)
        #expect(e.rendered(source: sql) == """
            ERROR 22012: division by zero
            LINE 2:        in_use / 0
                           ^
            """)
        let t = "SELECT * FROM pool"
        #expect(try error(t).rendered(source: t) == """
            ERROR 42P01: relation "pool" does not exist
            LINE 1: SELECT * FROM pool
                                  ^
            HINT: did you mean "pools"?
            """)
    }
}
