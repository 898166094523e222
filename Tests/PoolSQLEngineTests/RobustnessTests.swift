import PoolSQLCore
import Testing

/// Every combination of odd operands, operators, functions and casts must either produce a
/// result or a proper PoolSQLError: never a crash, never an internal error (XX000).
@Suite struct RobustnessTests {
    static let operands = [
        "1", "0", "-1", "-2147483648", "9223372036854775807", "2.5", "0.0", "1e300", "'abc'", "''", "'2026-01-01'", "NULL",
        "TRUE", "TIMESTAMP '2026-01-01'", "INTERVAL '1 day'", "in_use", "wait_ms", "ratio", "created_at", "pool_name", "enabled", "max_size",
    ]
    static let operators = ["+", "-", "*", "/", "%", "^", "||", "=", "<>", "<", "AND", "OR", "LIKE", "IS DISTINCT FROM"]
    static let types = ["int", "bigint", "smallint", "numeric", "numeric(5,2)", "float8", "real", "text", "varchar(2)", "boolean", "timestamp", "timestamptz", "interval", "date"]

    func check(_ sql: String) {
        if let error = Harness.error(sql) {
            #expect(error.code != .internalError, "\(sql): \(error.message)")
        }
    }

    @Test func binaryOperatorsOnEveryOperandPair() {
        for l in Self.operands {
            for op in Self.operators {
                for r in Self.operands { check("SELECT \(l) \(op) \(r) FROM pools") }
            }
        }
    }

    @Test func functionsOnEveryOperand() {
        let names = ["abs", "round", "coalesce", "nullif", "concat", "lower", "upper", "length", "greatest", "least", "power", "floor", "ceil",
                     "trunc", "sqrt", "mod", "date_part", "date_trunc", "substring", "strpos", "btrim", "replace", "left", "right", "split_part",
                     "starts_with", "count", "sum", "avg", "min", "max", "string_agg", "bool_and"]
        for name in names {
            for a in Self.operands {
                check("SELECT \(name)(\(a)) FROM pools")
                for b in ["2", "'x'", "NULL", "-3", "in_use", "'hour'"] {
                    check("SELECT \(name)(\(a), \(b)) FROM pools")
                    check("SELECT \(name)(\(b), \(a), 2) FROM pools")
                }
            }
        }
    }

    @Test func castsOfEveryOperand() {
        for a in Self.operands {
            for t in Self.types {
                check("SELECT (\(a))::\(t) FROM pools")
                check("SELECT pool_name FROM pools WHERE (\(a))::\(t) IS NOT NULL ORDER BY (\(a))::\(t)")
            }
        }
    }

    @Test func clausesWithOddValues() {
        for a in Self.operands {
            check("SELECT pool_name FROM pools ORDER BY \(a) LIMIT \(a) OFFSET \(a)")
            check("SELECT \(a), count(*) FROM pools GROUP BY \(a) HAVING \(a)")
            check("SELECT DISTINCT \(a) FROM pools WHERE \(a) IN (\(a), NULL) AND \(a) BETWEEN \(a) AND \(a)")
            check("SELECT CASE \(a) WHEN \(a) THEN \(a) ELSE \(a) END, CASE WHEN \(a) THEN 1 END FROM pools")
            check("SELECT EXTRACT(epoch FROM \(a)), \(a) IS NULL, NOT \(a) FROM pools")
        }
    }

    @Test func joinsSubqueriesWindowsAndSetOperationsWithOddValues() {
        for a in Self.operands {
            check("SELECT p.pool_name, q.in_use FROM pools p LEFT JOIN pools q ON \(a) FULL JOIN pools r USING (pool_name)")
            check("SELECT (SELECT \(a) FROM pools LIMIT 1), \(a) IN (SELECT \(a) FROM pools), EXISTS (SELECT \(a))")
            check("SELECT pool_name FROM pools p WHERE \(a) = ANY (SELECT \(a) FROM pools q WHERE q.in_use = p.in_use)")
            check("SELECT row_number() OVER (PARTITION BY \(a) ORDER BY \(a)), lag(\(a), 1, \(a)) OVER (ORDER BY \(a)), sum(\(a)) OVER () FROM pools")
            check("SELECT \(a) UNION SELECT \(a) INTERSECT SELECT \(a) EXCEPT ALL SELECT \(a) ORDER BY 1")
            check("WITH t(x) AS (SELECT \(a)) SELECT DISTINCT ON (x) x, ARRAY[x, x] FROM t ORDER BY x")
            check("SELECT array_agg(\(a) ORDER BY \(a)), string_agg(\(a), \(a)) FILTER (WHERE \(a)) FROM pools GROUP BY pool_name")
            check("SELECT * FROM (VALUES (\(a)), (\(a))) v(x) NATURAL JOIN (SELECT \(a) AS x) w")
        }
    }
}
