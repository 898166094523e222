import PoolSQLCore
import PoolSQLCatalog

/// A filter offered to a table scan and what the table said about it.
public struct PushedFilter: Sendable, Hashable {
    public var filter: ScanFilter
    public var support: FilterPushdown

    public init(filter: ScanFilter, support: FilterPushdown) {
        self.filter = filter
        self.support = support
    }
}
