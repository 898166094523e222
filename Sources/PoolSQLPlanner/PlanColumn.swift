import PoolSQLCore
import PoolSQLCatalog

/// One output column of a plan node: its name as PostgreSQL would show it, its type, and the
/// table name or alias that qualifies it (for `t.col` references), if any.
public struct PlanColumn: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var qualifier: String?
    /// Reachable only as `qualifier.name` and through `qualifier.*` (the per-side copies of a
    /// JOIN … USING column); `*` and unqualified names see the merged column instead.
    public var qualifiedOnly: Bool
    /// Position in the table or subquery it comes from, so `t.*` lists t's columns in t's order.
    public var ordinal: Int?

    public init(name: String, type: DataType, qualifier: String? = nil, qualifiedOnly: Bool = false, ordinal: Int? = nil) {
        self.name = name
        self.type = type
        self.qualifier = qualifier
        self.qualifiedOnly = qualifiedOnly
        self.ordinal = ordinal
    }
}
