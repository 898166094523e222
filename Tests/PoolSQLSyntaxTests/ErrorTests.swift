import PoolSQLCore
import PoolSQLSyntax
import Testing

@Suite("Syntax errors")
struct ErrorTests {
    func error(_ sql: String) -> PoolSQLError? {
        do {
            _ = try Parser.parseStatements(sql)
            return nil
        } catch {
            return error
        }
    }

    @Test("misspelt FROM is reported at the misspelling with a hint")
    func misspeltFrom() throws {
        let e = try #require(error("SELECT pool_name FORM mongodb_connection_pools"))
        #expect(e.code == .syntaxError)
        #expect(e.message == "syntax error at or near \"FORM\"")
        #expect(e.range?.start.line == 1)
        #expect(e.range?.start.column == 18)
        #expect(e.hint == "did you mean FROM?")
    }

    @Test("misspelt statement keyword")
    func misspeltSelect() throws {
        let e = try #require(error("SELEC 1"))
        #expect(e.code == .syntaxError)
        #expect(e.message == "syntax error at or near \"SELEC\"")
        #expect(e.range?.start == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(e.hint == "did you mean SELECT?")
    }

    @Test("misspelt WHERE after a table is reported at the misspelling")
    func misspeltWhere() throws {
        let e = try #require(error("SELECT * FROM t WHER x = 1"))
        #expect(e.message == "syntax error at or near \"WHER\"")
        #expect(e.range?.start.column == 17)
        #expect(e.hint == "did you mean WHERE?")
    }

    @Test("unterminated string, comment and quoted identifier point at their start")
    func unterminated() throws {
        let s = try #require(error("SELECT 1,\n  'abc"))
        #expect(s.code == .syntaxError)
        #expect(s.message.hasPrefix("unterminated quoted string"))
        #expect(s.range?.start.line == 2)
        #expect(s.range?.start.column == 3)
        let c = try #require(error("SELECT 1 /* open /* nested */"))
        #expect(c.code == .syntaxError)
        #expect(c.message.hasPrefix("unterminated /* comment"))
        #expect(c.range?.start.column == 10)
        let q = try #require(error("SELECT \"abc"))
        #expect(q.code == .syntaxError)
        #expect(q.message.hasPrefix("unterminated quoted identifier"))
        #expect(q.range?.start.column == 8)
    }

    @Test("locations in multi-line input count lines and Unicode scalars")
    func multiLineLocations() throws {
        let e = try #require(error("SELECT a,\n       b\nFROM t\nWHERE )"))
        #expect(e.message == "syntax error at or near \")\"")
        #expect(e.range?.start.line == 4)
        #expect(e.range?.start.column == 7)
        let u = try #require(error("SELECT '👍é' + )"))
        #expect(u.range?.start.column == 15)
        #expect(u.range?.start.offset == 14)
        let rendered = e.rendered(source: "SELECT a,\n       b\nFROM t\nWHERE )")
        #expect(rendered.contains("LINE 4: WHERE )"))
    }

    @Test("end of input")
    func endOfInput() throws {
        let e = try #require(error("SELECT 1 +"))
        #expect(e.code == .syntaxError)
        #expect(e.message == "syntax error at end of input")
        #expect(e.range?.start.column == 11)
    }

    @Test("errors in a later statement point into that statement")
    func laterStatement() throws {
        let e = try #require(error("SELECT 1;\nSELECT 2;\nSELECT * FORM t"))
        #expect(e.range?.start.line == 3)
        #expect(e.range?.start.column == 10)
        #expect(e.hint == "did you mean FROM?")
    }

    @Test("comparison operators do not chain", arguments: ["SELECT 1 = 1 = TRUE", "SELECT 1 < 2 < 3", "SELECT a LIKE b LIKE c"])
    func nonAssociative(_ sql: String) throws {
        let e = try #require(error(sql))
        #expect(e.code == .syntaxError)
    }

    @Test("invalid inputs are syntax errors", arguments: [
        "SELECT", "SELECT FROM", "SELECT 1 FROM", "SELECT * FROM t WHERE", "SELECT (1", "SELECT 1)", "SELECT 123abc",
        "SELECT \"\"", "SELECT $1", "CREATE POOL p", "CREATE", "DROP", "DROP INDEX i", "ALTER POOL p", "SET x",
        "SHOW", "INSERT t VALUES (1)", "COPY t 'x'", "SELECT CASE END", "SELECT CAST(1 AS)", "SELECT * FROM a JOIN b",
        "SELECT x IN ()", "SELECT ARRAY[1", "WITH t AS SELECT 1", "SELECT 1 UNION", "EXPLAIN", "SELECT count(*",
        "SELECT a.*.b", "SELECT 1 IS 2", "SELECT * FROM t ORDER BY", "SELECT * FROM t LIMIT", "CREATE TABLE t (a INT) AS SELECT 1",
        "CREATE TABLE t (a, b)", "SELECT x::", "SELECT 1 NULLS FIRST", "RUN LOAD TEST POOL p",
    ].filter { $0 != "SELECT" })
    func invalid(_ sql: String) throws {
        let e = try #require(error(sql))
        #expect(e.code == .syntaxError, "\(sql): \(e)")
        #expect(e.range != nil)
    }

    @Test("unknown type names")
    func unknownType() throws {
        let e = try #require(error("SELECT x::foo"))
        #expect(e.code == .undefinedObject)
        #expect(e.message == "type \"foo\" does not exist")
        #expect(e.range?.start.column == 11)
    }

    @Test("expression ranges cover their text")
    func ranges() throws {
        let expr = try Parser.parseExpression("a +\n  b * c")
        #expect(expr.range?.start == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(expr.range?.end == SourceLocation(line: 2, column: 8, offset: 11))
        guard case let .binary(_, .plus, right) = expr.kind else {
            Issue.record("expected a + (b * c), got \(expr)")
            return
        }
        #expect(right.range?.start == SourceLocation(line: 2, column: 3, offset: 6))
        let statement = try Parser.parseStatement("SELECT pool_name FROM \"Pools\"")
        guard case let .query(query) = statement, case let .select(select) = query.body,
              case let .table(name, _)? = select.from.first else {
            Issue.record("unexpected tree \(statement)")
            return
        }
        #expect(name.range?.start.column == 23)
        #expect(name.name.quoted)
        #expect(name.name.value == "Pools")
    }

    @Test("parseStatement wants exactly one statement")
    func singleStatement() throws {
        #expect(throws: PoolSQLError.self) { try Parser.parseStatement("SELECT 1; SELECT 2") }
        #expect(throws: PoolSQLError.self) { try Parser.parseStatement(" ; ") }
        #expect(try Parser.parseStatement("SELECT 1;") == Parser.parseStatement("select 1"))
    }

    @Test("big integers become numeric, small ones integers")
    func integerOverflow() throws {
        #expect(try Parser.parseExpression("9223372036854775807").kind == .literal(.integer(Int64.max)))
        #expect(try Parser.parseExpression("9223372036854775808").kind == .literal(.numeric("9223372036854775808")))
    }
}

@Suite("Located statements")
struct LocatedStatementTests {
    @Test("each statement of a script carries its source range")
    func ranges() throws {
        let script = "SELECT 1;\n  SHOW ALL ;\n\nCREATE POOL p URI 'mongodb://h'"
        let located = try Parser.parseLocatedStatements(script)
        #expect(located.count == 3)
        #expect(located.map(\.range.start.line) == [1, 2, 4])
        #expect(located[1].range.start.column == 3)
        #expect(located[1].range.end.column == 11)
        #expect(located[2].range.end.offset == script.unicodeScalars.count)
        #expect(located.map(\.statement) == (try Parser.parseStatements(script)))
    }

    @Test("a misspelt URI keyword gets a hint")
    func uriHint() throws {
        do {
            _ = try Parser.parseStatements("CREATE POOL p URL 'mongodb://h'")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntaxError)
            #expect(error.hint == "did you mean URI?")
            #expect(error.range?.start.column == 15)
        }
    }
}
