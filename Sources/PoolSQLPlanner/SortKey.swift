import PoolSQLCore
import PoolSQLCatalog

/// One ORDER BY key over the input row.
public struct SortKey: Sendable {
    public var expr: BoundExpr
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(expr: BoundExpr, ascending: Bool, nullsFirst: Bool) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}
