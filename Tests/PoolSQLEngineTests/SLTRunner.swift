import Foundation
import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

/// Runs sqllogictest files (the DataFusion / sqllogictest-rs dialect):
///
///     statement ok | statement error <SQLSTATE or regex>
///     <sql>
///
///     query <column types> [rowsort|valuesort]
///     <sql>
///     ----
///     <expected rows, values separated by spaces; NULL for null>
///
///     query error <SQLSTATE or regex>
///     <sql>
///
/// Column types: I integer, R float/numeric, T text (or anything shown as text), B boolean,
/// P timestamp, ? anything. Values print as PostgreSQL's text output (`t`/`f`, `12.50`).
/// `CREATE TABLE` and `INSERT … VALUES` are run by the runner itself against in-memory tables,
/// so files can set up their own data on top of the `pools` and `metrics_history` fixtures.
/// A `# nopg` comment right above a record keeps it out of the differential test (no PostgreSQL
/// counterpart); records listed in `slt/KNOWN_DIFFERENCES.md` run without comparing results.
struct SLTRunner {
    struct Failure: CustomStringConvertible {
        var file: String
        var line: Int
        var sql: String
        var message: String
        var description: String { "\(file):\(line): \(message)\n  SQL: \(sql)" }
    }

    var tables: [String: any TableProvider] = ["pools": Fixtures.pools(), "metrics_history": Fixtures.metricsHistory()]
    let context = ExecutionContext(statementTimestamp: Fixtures.statementTimestamp)
    /// Records listed here give PoolSQL's answer, not PostgreSQL's, yet: they still run (to prove
    /// they do not crash), but their expected block or error is not compared.
    var knownDifferences = DifferentialKnownDifferences.shared

    var catalog: StaticCatalog { StaticCatalog(tables: tables) }

    /// Runs every record; returns the failures and the number of records run.
    mutating func run(file: String, text: String) -> (failures: [Failure], records: Int) {
        var failures: [Failure] = []
        let records = SLTRecord.parse(text)
        for record in records {
            func fail(_ message: String) { failures.append(Failure(file: file, line: record.line, sql: record.sql, message: message)) }
            if record.unknownHeader { fail("unknown record type '\(record.header)'"); continue }
            let known = knownDifferences.contains(file: file, line: record.line)
            switch record.kind {
            case .statementOK:
                do {
                    _ = try execute(record.sql)
                } catch {
                    if !known { fail("unexpected error: \(error.description) \(error.hint ?? "")") }
                }
            case let .error(pattern):
                do {
                    _ = try execute(record.sql)
                    if !known { fail("expected error \(pattern), statement succeeded") }
                } catch {
                    if !known, !matches(error, pattern) { fail("expected error matching '\(pattern)', got \(error.code): \(error.message)") }
                }
            case let .query(types, sort):
                do {
                    let result = try execute(record.sql)
                    if known { continue }
                    if !types.isEmpty, types.count != result.columns.count {
                        fail("expected \(types.count) columns, got \(result.columns.count)")
                        continue
                    }
                    for (t, column) in zip(types, result.columns) where !SLTRunner.typeMatches(t, column.type) {
                        fail("column \(column.name): type \(column.type) does not match '\(t)'")
                    }
                    let actual = SLTRecord.arrange(result.rows.map { $0.map(SLTRunner.render) }, sort)
                    let wanted = record.arrangedExpected(sort)
                    if actual != wanted {
                        fail("result mismatch\n  expected:\n    " + wanted.joined(separator: "\n    ") + "\n  actual:\n    " + actual.joined(separator: "\n    "))
                    }
                } catch {
                    if !known { fail("unexpected error: \(error.description) \(error.hint ?? "")") }
                }
            }
        }
        return (failures, records.count)
    }

    /// Runs one statement. Queries and EXPLAIN go through the engine; CREATE TABLE and INSERT
    /// are handled here for test setup.
    mutating func execute(_ sql: String) throws(PoolSQLError) -> (columns: [(name: String, type: DataType)], rows: [[Value]]) {
        let statements = try Parser.parseStatements(sql)
        guard statements.count == 1, let statement = statements.first else {
            throw PoolSQLError(.syntaxError, "expected exactly one statement, got \(statements.count)")
        }
        switch statement {
        case let .query(query):
            let result = try QueryExecutor.execute(query: query, catalog: catalog, context: context)
            return (result.columns, result.rows)
        case let .explain(explain):
            guard case let .query(query) = explain.statement else { throw PoolSQLError.notSupported("EXPLAIN of this statement") }
            let lines = try QueryExecutor.explain(query: query, catalog: catalog, context: context)
            return ([(name: "plan", type: .text)], lines.map { [.text($0)] })
        case let .createTable(create):
            var columns: [PoolSQLCatalog.ColumnDefinition] = []
            for c in create.columns {
                guard let type = c.dataType else { throw PoolSQLError.notSupported("CREATE TABLE AS") }
                columns.append(.init(name: c.name.value, type: type))
            }
            tables[create.name.name.value] = MemoryTable(columns: columns)
            return ([], [])
        case let .insert(insert):
            guard let table = tables[insert.table.name.value] as? MemoryTable else {
                throw PoolSQLError(.undefinedTable, "relation \"\(insert.table.name.value)\" does not exist")
            }
            guard case let .values(values) = insert.source.body else { throw PoolSQLError.notSupported("INSERT … SELECT in tests") }
            for row in values.rows {
                var out: [Value] = []
                for (expr, column) in zip(row, table.schema.columns) {
                    out.append(try ExpressionEvaluator.evaluateConstant(expr, context: context).cast(to: column.type))
                }
                try table.insert(out)
            }
            return ([], [])
        default:
            throw PoolSQLError.notSupported("this statement in .slt files")
        }
    }

    func matches(_ error: PoolSQLError, _ pattern: String) -> Bool {
        if pattern.isEmpty { return true }
        if pattern.count == 5, pattern.allSatisfy({ $0.isUppercase || $0.isNumber }) { return error.code.code == pattern }
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return error.message.contains(pattern) }
        let text = "\(error.code): \(error.message)"
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func render(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case let .text(s) where s.isEmpty: return "(empty)"
        default: return v.description
        }
    }

    /// Collapses runs of spaces/tabs between values; leading indentation (EXPLAIN trees) stays.
    static func normalize(_ line: String) -> String {
        let indent = line.prefix(while: { $0 == " " })
        return indent + line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func typeMatches(_ letter: Character, _ type: DataType) -> Bool {
        switch letter {
        case "I": return type.isInteger
        case "R": return type.isNumeric && !type.isInteger
        case "B": return type == .boolean
        case "P": return type == .timestamp || type == .timestamptz
        case "T": return !type.isNumeric && type != .boolean || type == .unknown
        default: return true
        }
    }
}
