import PoolSQLCore
import PoolSQLCatalog

public enum SetOperationType: String, Sendable, Hashable {
    case union = "Union"
    case intersect = "Intersect"
    case except = "Except"
}
