import PoolSQLCore

/// What `ANY`/`ALL` compare against.
public enum QuantifiedSource: Sendable {
    case array(BoundExpr)
    case subquery(SubqueryPlan)
}
