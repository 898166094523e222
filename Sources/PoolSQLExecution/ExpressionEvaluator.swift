import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner
import PoolSQLSyntax

/// Evaluates expressions outside of queries (SET values, CREATE POOL options).
public enum ExpressionEvaluator {
    /// Evaluates an expression that references no columns, with full type checking: an untyped
    /// string literal comes back as text. Column references fail with 42703.
    public static func evaluateConstant(_ expr: Expr, context: ExecutionContext) throws(PoolSQLError) -> Value {
        let bound = try QueryPlanner(catalog: StaticCatalog()).bindConstant(expr)
        return try bound.evaluate(row: [], context: QueryExecutor.withSubqueries(context))
    }
}
