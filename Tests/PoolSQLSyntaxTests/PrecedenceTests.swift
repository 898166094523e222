import PoolSQLCore
import PoolSQLSyntax
import Testing

/// Round trips cannot tell a consistently wrong tree from a right one; these check the shape.
@Suite("Precedence")
struct PrecedenceTests {
    /// Fully parenthesized rendering of the operator structure.
    static func shape(_ e: Expr) -> String {
        switch e.kind {
        case let .binary(l, op, r): return "(\(shape(l)) \(op.rawValue) \(shape(r)))"
        case let .unary(op, x): return "(\(op.rawValue) \(shape(x)))"
        case let .isNull(x, negated): return "(\(shape(x)) IS \(negated ? "NOT " : "")NULL)"
        case let .isTruthValue(x, v, negated): return "(\(shape(x)) IS \(negated ? "NOT " : "")\(v.rawValue))"
        case let .isDistinctFrom(l, r, _): return "(\(shape(l)) IS DISTINCT FROM \(shape(r)))"
        case let .between(x, lo, hi, _): return "(\(shape(x)) BETWEEN \(shape(lo)) AND \(shape(hi)))"
        case let .like(x, p, _, _, _): return "(\(shape(x)) LIKE \(shape(p)))"
        case let .inList(x, items, _): return "(\(shape(x)) IN \(items.map(shape).joined(separator: ",")))"
        case let .cast(x, t, _): return "(\(shape(x))::\(t))"
        case let .subscripted(x, .index(i)): return "(\(shape(x))[\(shape(i))])"
        case let .quantified(l, op, q, .array(a)): return "(\(shape(l)) \(op.rawValue) \(q.rawValue) \(shape(a)))"
        default: return e.description
        }
    }

    @Test("operator trees follow PostgreSQL precedence", arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("2 ^ 3 ^ 2", "((2 ^ 3) ^ 2)"),
        ("-2 ^ 2", "((- 2) ^ 2)"),
        ("-x::int", "(- (x::INTEGER))"),
        ("2 * 3 ^ 2", "(2 * (3 ^ 2))"),
        ("a || b + c", "(a || (b + c))"),
        ("a || b = c", "((a || b) = c)"),
        ("a = b || c", "(a = (b || c))"),
        ("a OR b AND c", "(a OR (b AND c))"),
        ("a AND b OR c", "((a AND b) OR c)"),
        ("NOT a = b", "(NOT (a = b))"),
        ("NOT a AND b", "((NOT a) AND b)"),
        ("NOT a IS NULL", "(NOT (a IS NULL))"),
        ("a = b IS NULL", "((a = b) IS NULL)"),
        ("a IS NULL = b", "((a IS NULL) = b)"),
        ("x BETWEEN 1 AND 2 AND y", "((x BETWEEN 1 AND 2) AND y)"),
        ("x BETWEEN 1 + 1 AND 2 * 2", "(x BETWEEN (1 + 1) AND (2 * 2))"),
        ("x = 1 BETWEEN a AND b", "(x = (1 BETWEEN a AND b))"),
        ("a LIKE b || c", "(a LIKE (b || c))"),
        ("a + 1 IN (1, 2)", "((a + 1) IN 1,2)"),
        ("a IN (1) = true", "((a IN 1) = TRUE)"),
        ("a < b AND c >= d", "((a < b) AND (c >= d))"),
        ("x = ANY (arr) OR y", "((x = ANY arr) OR y)"),
        ("a[1]::text", "((a[1])::TEXT)"),
        ("a IS DISTINCT FROM b + 1", "(a IS DISTINCT FROM (b + 1))"),
        ("- - 1", "(- (- 1))"),
        ("1 - -1", "(1 - (- 1))"),
        ("a ~ b || c", "((a ~ b) || c)"),
        ("a % b * c / d", "(((a % b) * c) / d)"),
    ])
    func shapes(_ testCase: (String, String)) throws {
        #expect(Self.shape(try Parser.parseExpression(testCase.0)) == testCase.1)
    }

    @Test("INTERSECT binds tighter than UNION and EXCEPT; all are left-associative")
    func setOperations() throws {
        func body(_ sql: String) throws -> SetExpr {
            guard case let .query(q) = try Parser.parseStatement(sql) else { throw PoolSQLError.internal("not a query") }
            return q.body
        }
        guard case let .setOperation(.union, _, _, right) = try body("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
              case .setOperation(.intersect, _, _, _) = right else {
            Issue.record("UNION should be on top")
            return
        }
        guard case let .setOperation(.except, _, left, _) = try body("SELECT 1 UNION SELECT 2 EXCEPT SELECT 3"),
              case .setOperation(.union, _, _, _) = left else {
            Issue.record("UNION … EXCEPT should be left-associative")
            return
        }
    }

    @Test("joins are left-deep; ORDER BY and LIMIT belong to the whole set operation")
    func joinsAndClauses() throws {
        guard case let .query(q) = try Parser.parseStatement("SELECT * FROM a JOIN b ON x JOIN c ON y UNION SELECT 1 ORDER BY 1 LIMIT 2"),
              case let .setOperation(.union, _, left, _) = q.body, case let .select(select) = left,
              case let .join(outer)? = select.from.first, case let .join(inner) = outer.left,
              case let .table(c, _) = outer.right, case let .table(a, _) = inner.left else {
            Issue.record("unexpected tree")
            return
        }
        #expect(a.name.value == "a")
        #expect(c.name.value == "c")
        #expect(q.orderBy.count == 1)
        #expect(q.limit == .count(Expr(.literal(.integer(2)))))
    }

    @Test("nesting just below the limit parses, prints and compares")
    func nearLimit() throws {
        let depth = 190
        let sql = "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
            + ", " + String(repeating: "- ", count: depth) + "1"
        let statement = try Parser.parseStatement(sql)
        #expect(try Parser.parseStatement(statement.description) == statement)
    }

    @Test("identifiers fold to lower case unless quoted; keywords print upper case")
    func folding() throws {
        let statement = try Parser.parseStatement("select PoolName, \"PoolName\" from Pools where X is not null")
        #expect(statement.description == "SELECT poolname, \"PoolName\" FROM pools WHERE x IS NOT NULL")
    }
}
