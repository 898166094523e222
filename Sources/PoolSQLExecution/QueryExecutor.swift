import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner
import PoolSQLSyntax

/// The one-call entry points the façade uses: plan, optimize, execute or explain a query.
public enum QueryExecutor {
    /// Binds, optimizes and runs `query`.
    public static func execute(query: Query, catalog: any Catalog, context: ExecutionContext,
                               planner: PhysicalPlanner = PhysicalPlanner()) throws(PoolSQLError) -> ResultSet {
        let plan = try optimizedPlan(query: query, catalog: catalog, context: context)
        let physical = planner.plan(plan)
        let rows = try physical.execute(withSubqueries(context))
        return ResultSet(columns: plan.columns.map { (name: $0.name, type: $0.type) }, rows: rows)
    }

    /// The optimized plan as an indented tree, one line per operator (for EXPLAIN).
    public static func explain(query: Query, catalog: any Catalog, context: ExecutionContext) throws(PoolSQLError) -> [String] {
        try optimizedPlan(query: query, catalog: catalog, context: context).explainLines()
    }

    /// The output columns `query` would produce, without running it (for views and
    /// `CREATE TABLE … AS`).
    public static func columns(of query: Query, catalog: any Catalog) throws(PoolSQLError) -> [(name: String, type: DataType)] {
        try QueryPlanner(catalog: catalog).plan(query).columns.map { (name: $0.name, type: $0.type) }
    }

    /// The bound and optimized logical plan of `query`.
    public static func optimizedPlan(query: Query, catalog: any Catalog, context: ExecutionContext) throws(PoolSQLError) -> LogicalPlan {
        let logical = try QueryPlanner(catalog: catalog).plan(query)
        return Optimizer().optimize(logical, context: context)
    }

    /// The context with fresh per-statement state: a runner (and result cache) for subqueries
    /// inside expressions and empty recursive-CTE work tables, so nothing carries over when a
    /// caller reuses one context for several statements.
    static func withSubqueries(_ context: ExecutionContext) -> ExecutionContext {
        var context = context
        context.subqueryRunner = SubqueryRunner { plan, ctx throws(PoolSQLError) in
            try PhysicalPlanner().plan(plan).execute(ctx)
        }
        context.workTables = WorkTableStore()
        context.outerRows = []
        return context
    }
}
