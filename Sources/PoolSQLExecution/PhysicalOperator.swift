import PoolSQLCore
import PoolSQLPlanner

/// One executable operator. Operators materialise their output rows; PoolSQL's tables are small
/// (pools, settings, statistics), so streaming would buy little and cost clarity.
public protocol PhysicalOperator: Sendable {
    var columns: [PlanColumn] { get }
    func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]]
}
