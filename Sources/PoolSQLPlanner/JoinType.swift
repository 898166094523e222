import PoolSQLCore
import PoolSQLCatalog

/// The join types the executor runs (CROSS JOIN is an inner join without condition).
public enum JoinType: String, Sendable, Hashable {
    case inner = "Inner"
    case left = "Left"
    case right = "Right"
    case full = "Full"
}
