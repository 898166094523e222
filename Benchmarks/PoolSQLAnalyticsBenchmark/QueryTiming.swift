import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

/// Runs one SQL text against a catalog and measures it: parse, plan, optimize and execute, the
/// whole statement, as DuckDB and PostgreSQL are measured from their clients.
struct QueryTiming {
    let catalog: StaticCatalog
    let context: ExecutionContext
    var planner = PhysicalPlanner()

    /// Parses, plans and runs `sql` once.
    func run(_ sql: String) throws(PoolSQLError) -> ResultSet {
        guard case let .query(query) = try Parser.parseStatement(sql) else {
            throw PoolSQLError(.syntaxError, "the benchmark query file does not hold a query")
        }
        return try QueryExecutor.execute(query: query, catalog: catalog, context: context, planner: planner)
    }

    /// Wall-clock milliseconds of each timed run (after `warmups` untimed ones) and the last result.
    func measure(_ sql: String, runs: Int, warmups: Int) throws(PoolSQLError) -> (milliseconds: [Double], result: ResultSet) {
        for _ in 0..<warmups { _ = try run(sql) }
        let clock = ContinuousClock()
        var milliseconds: [Double] = []
        var last: ResultSet?
        for _ in 0..<runs {
            let start = clock.now
            let result = try run(sql)
            milliseconds.append(Self.milliseconds(clock.now - start))
            last = result
        }
        guard let last else { throw PoolSQLError.internal("no timed run") }
        return (milliseconds, last)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
