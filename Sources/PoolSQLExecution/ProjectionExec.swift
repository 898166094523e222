import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

public struct ProjectionExec: PhysicalOperator {
    public let exprs: [BoundExpr]
    public let columns: [PlanColumn]
    public let input: any PhysicalOperator

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        var out: [[Value]] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            var projected: [Value] = []
            projected.reserveCapacity(exprs.count)
            for expr in exprs { projected.append(try expr.evaluate(row: row, context: context)) }
            out.append(projected)
        }
        return out
    }
}
