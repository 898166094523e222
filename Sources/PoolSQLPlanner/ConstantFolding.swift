import PoolSQLCore
import PoolSQLCatalog

/// Evaluates constant sub-expressions once at plan time (`NOW() - INTERVAL '1 hour'` becomes a
/// timestamp literal the scan can use). A constant that fails to evaluate is left as is, so the
/// error surfaces only if the row is actually computed (e.g. in an untaken CASE branch).
struct ConstantFolding {
    let context: ExecutionContext

    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let folded = plan.withInput(apply)
        switch folded {
        case let .filter(p, input): return .filter(fold(p), input)
        case let .projection(exprs, columns, input): return .projection(exprs.map(fold), columns, input)
        case let .sort(keys, input):
            return .sort(keys.map { SortKey(expr: fold($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, input)
        case let .aggregate(groups, aggregates, columns, input):
            return .aggregate(groups: groups.map(fold), aggregates: aggregates.map { $0.mapExpressions(fold) }, columns: columns, input)
        case let .join(type, condition, l, r):
            return .join(type, condition: condition.map(fold), left: l, right: r)
        case let .values(rows, columns):
            return .values(rows: rows.map { $0.map(fold) }, columns: columns)
        default: return folded
        }
    }

    func fold(_ expr: BoundExpr) -> BoundExpr {
        if case .literal = expr { return expr }
        if case .column = expr { return expr }
        if expr.isConstant {
            do {
                return .literal(try expr.evaluate(row: [], context: context), expr.type)
            } catch {
                // Keep the node; see the type comment.
            }
        }
        return ConstantFolding.numericLiteralsAsDoubles(expr.mapChildren { (child: BoundExpr) -> BoundExpr in fold(child) })
    }

    /// A NUMERIC literal compared with, or in double precision arithmetic with, a double
    /// precision operand is converted to double on every evaluation (`x > 0.85`, `1.5 * x`);
    /// converting it once here gives the same double (`Value.asDouble`) and the same results.
    static func numericLiteralsAsDoubles(_ expr: BoundExpr) -> BoundExpr {
        func asDouble(_ side: BoundExpr, other: BoundExpr) -> BoundExpr {
            guard case let .literal(.numeric(n), _) = side, other.type == .doublePrecision else { return side }
            return .literal(.double(n.doubleValue), .doublePrecision)
        }
        switch expr {
        case let .comparison(op, l, r):
            return .comparison(op, asDouble(l, other: r), asDouble(r, other: l))
        case let .arithmetic(op, l, r, type, range) where type == .doublePrecision:
            return .arithmetic(op, asDouble(l, other: r), asDouble(r, other: l), type: type, range: range)
        default:
            return expr
        }
    }
}
