import PoolSQLCore
import PoolSQLCatalog

extension LogicalPlan {
    /// The plan as an indented tree, one operator per line, children indented two spaces:
    ///
    ///     Limit: 5
    ///       Projection: pool_name, size
    ///         TableScan: pools projection=[pool_name, size] filters=[pool_name = 'p' (exact)] limit=5
    public func explainLines(indent: Int = 0) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case let .scan(scan):
            var line = "\(pad)TableScan: \(scan.tableName)"
            if scan.qualifier != scan.tableName { line += " AS \(scan.qualifier)" }
            if let projection = scan.projection {
                line += " projection=[" + projection.map { scan.schema.columns[$0].name }.joined(separator: ", ") + "]"
            }
            if !scan.filters.isEmpty {
                line += " filters=[" + scan.filters.map { "\($0.filter.rendered(in: scan.schema)) (\($0.support.rawValue))" }.joined(separator: ", ") + "]"
            }
            if let limit = scan.limit { line += " limit=\(limit)" }
            return [line]
        case .singleRow:
            return ["\(pad)SingleRow"]
        case let .filter(predicate, input):
            let names = input.columns.map(\.name)
            return ["\(pad)Filter: \(predicate.rendered(columnNames: names))"] + LogicalPlan.subqueryLines([predicate], indent: indent + 2)
                + input.explainLines(indent: indent + 2)
        case let .projection(exprs, columns, input):
            let names = input.columns.map(\.name)
            let items = zip(exprs, columns).map { expr, column -> String in
                let text = expr.rendered(columnNames: names)
                return text == column.name ? text : "\(text) AS \(column.name)"
            }
            return ["\(pad)Projection: \(items.joined(separator: ", "))"] + LogicalPlan.subqueryLines(exprs, indent: indent + 2)
                + input.explainLines(indent: indent + 2)
        case let .sort(keys, input):
            let names = input.columns.map(\.name)
            let items = keys.map { key -> String in
                var s = key.expr.rendered(columnNames: names) + (key.ascending ? " ASC" : " DESC")
                s += key.nullsFirst ? " NULLS FIRST" : " NULLS LAST"
                return s
            }
            return ["\(pad)Sort: \(items.joined(separator: ", "))"] + input.explainLines(indent: indent + 2)
        case let .limit(count, offset, input):
            var line = "\(pad)Limit: " + (count.map(String.init) ?? "ALL")
            if offset > 0 { line += " offset=\(offset)" }
            return [line] + input.explainLines(indent: indent + 2)
        case let .distinct(input):
            return ["\(pad)Distinct"] + input.explainLines(indent: indent + 2)
        case let .distinctOn(keys, input):
            let names = input.columns.map(\.name)
            return ["\(pad)DistinctOn: " + keys.map { $0.rendered(columnNames: names) }.joined(separator: ", ")] + input.explainLines(indent: indent + 2)
        case let .subqueryAlias(columns, input):
            let qualifier = columns.first?.qualifier ?? ""
            return ["\(pad)SubqueryAlias: \(qualifier)"] + input.explainLines(indent: indent + 2)
        case let .values(rows, _):
            return ["\(pad)Values: \(rows.count) row\(rows.count == 1 ? "" : "s")"]
        case let .join(type, condition, left, right):
            let names = (left.columns + right.columns).map { c in c.qualifier.map { "\($0).\(c.name)" } ?? c.name }
            var line = "\(pad)\(condition == nil && type == .inner ? "Cross" : type.rawValue) Join"
            if let condition { line += ": \(condition.rendered(columnNames: names))" }
            return [line] + left.explainLines(indent: indent + 2) + right.explainLines(indent: indent + 2)
        case let .lateralJoin(type, condition, left, right):
            let names = (left.columns + right.columns).map { c in c.qualifier.map { "\($0).\(c.name)" } ?? c.name }
            var line = "\(pad)Lateral \(type.rawValue) Join"
            if let condition { line += ": \(condition.rendered(columnNames: names))" }
            return [line] + left.explainLines(indent: indent + 2) + right.explainLines(indent: indent + 2)
        case let .unnest(arrays, _, withOrdinality):
            return ["\(pad)Unnest: \(arrays.map { $0.rendered(columnNames: []) }.joined(separator: ", "))" + (withOrdinality ? " WITH ORDINALITY" : "")]
        case let .workTableScan(table):
            return ["\(pad)WorkTableScan: \(table.name)"]
        case let .recursiveUnion(table, all, anchor, recursive):
            return ["\(pad)RecursiveUnion\(all ? " All" : ""): \(table.name)"] + anchor.explainLines(indent: indent + 2)
                + recursive.explainLines(indent: indent + 2)
        case let .generateSeries(start, stop, step, _):
            let args = [start, stop] + (step.map { [$0] } ?? [])
            return ["\(pad)GenerateSeries: " + args.map { $0.rendered(columnNames: []) }.joined(separator: ", ")]
        case let .window(calls, input):
            let names = input.columns.map(\.name)
            return ["\(pad)Window: " + calls.map { $0.rendered(columnNames: names) }.joined(separator: ", ")] + input.explainLines(indent: indent + 2)
        case let .setOperation(type, all, left, right):
            return ["\(pad)\(type.rawValue)\(all ? " All" : "")"] + left.explainLines(indent: indent + 2) + right.explainLines(indent: indent + 2)
        case let .aggregate(groups, aggregates, _, input):
            let names = input.columns.map(\.name)
            var line = "\(pad)Aggregate:"
            if !groups.isEmpty { line += " groupBy=[" + groups.map { $0.rendered(columnNames: names) }.joined(separator: ", ") + "]" }
            line += " aggregates=[" + aggregates.map { $0.rendered(columnNames: names) }.joined(separator: ", ") + "]"
            return [line] + input.explainLines(indent: indent + 2)
        }
    }
}

extension LogicalPlan {
    /// The plans of subqueries inside `exprs`, each under a `Subquery:` line.
    static func subqueryLines(_ exprs: [BoundExpr], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        func visit(_ e: BoundExpr) {
            switch e {
            case let .scalarSubquery(sub, _, _), let .exists(sub), let .inSubquery(_, sub, _), let .quantified(_, _, _, .subquery(sub)):
                lines.append("\(pad)Subquery\(sub.correlated ? " (correlated)" : ""):")
                lines += sub.plan.explainLines(indent: indent + 2)
            default:
                break
            }
            e.children.forEach(visit)
        }
        exprs.forEach(visit)
        return lines
    }
}

extension BoundExpr {
    /// SQL-like text of the expression, naming columns from the input's column names.
    public func rendered(columnNames: [String]) -> String {
        func r(_ e: BoundExpr) -> String { e.rendered(columnNames: columnNames) }
        func wrapped(_ e: BoundExpr) -> String {
            switch e {
            case .literal, .column, .outerColumn, .function, .cast, .scalarSubquery, .exists: return r(e)
            default: return "(\(r(e)))"
            }
        }
        switch self {
        case let .literal(v, t):
            if case .text = v, t == .text || t == .unknown { return v.sqlLiteral }
            if case .text = v { return "\(v.sqlLiteral)::\(t.postgresName)" }
            return v.sqlLiteral
        case let .column(index, name, _):
            return index < columnNames.count ? columnNames[index] : name
        case let .outerColumn(_, _, name, _):
            return "outer.\(name)"
        case let .arithmetic(op, l, rhs, _, _): return "\(wrapped(l)) \(op.rawValue) \(wrapped(rhs))"
        case let .negate(e, _, _): return "-\(wrapped(e))"
        case let .comparison(op, l, rhs): return "\(wrapped(l)) \(op.rawValue) \(wrapped(rhs))"
        case let .isDistinct(l, rhs, negated): return "\(wrapped(l)) IS \(negated ? "NOT " : "")DISTINCT FROM \(wrapped(rhs))"
        case let .and(l, rhs): return "\(wrapped(l)) AND \(wrapped(rhs))"
        case let .or(l, rhs): return "\(wrapped(l)) OR \(wrapped(rhs))"
        case let .not(e): return "NOT \(wrapped(e))"
        case let .isNull(e, negated): return "\(wrapped(e)) IS \(negated ? "NOT " : "")NULL"
        case let .isBoolean(e, v, negated): return "\(wrapped(e)) IS \(negated ? "NOT " : "")\(v ? "TRUE" : "FALSE")"
        case let .between(e, lo, hi, negated): return "\(wrapped(e)) \(negated ? "NOT " : "")BETWEEN \(wrapped(lo)) AND \(wrapped(hi))"
        case let .inList(e, list, negated): return "\(wrapped(e)) \(negated ? "NOT " : "")IN (\(list.map(r).joined(separator: ", ")))"
        case let .like(e, p, ci, negated): return "\(wrapped(e)) \(negated ? "NOT " : "")\(ci ? "ILIKE" : "LIKE") \(wrapped(p))"
        case let .concat(l, rhs): return "\(wrapped(l)) || \(wrapped(rhs))"
        case let .caseWhen(branches, otherwise, _):
            var s = "CASE"
            for b in branches { s += " WHEN \(r(b.condition)) THEN \(r(b.result))" }
            if let otherwise { s += " ELSE \(r(otherwise))" }
            return s + " END"
        case let .cast(e, t, _): return "CAST(\(r(e)) AS \(t))"
        case .scalarSubquery: return "(subquery)"
        case .exists: return "EXISTS (subquery)"
        case let .inSubquery(e, _, negated): return "\(wrapped(e)) \(negated ? "NOT " : "")IN (subquery)"
        case let .quantified(op, all, e, source):
            let rhs: String
            switch source {
            case let .array(a): rhs = r(a)
            case .subquery: rhs = "subquery"
            }
            return "\(wrapped(e)) \(op.rawValue) \(all ? "ALL" : "ANY") (\(rhs))"
        case let .function(f, args, _, _):
            if f == .now && args.isEmpty { return "now()" }
            return "\(f.rawValue)(\(args.map(r).joined(separator: ", ")))"
        }
    }
}
