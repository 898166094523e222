import PoolSQLCore
import Synchronization

/// The current contents of the work tables while a statement runs.
public final class WorkTableStore: Sendable {
    private let tables = Mutex<[ObjectIdentifier: [[Value]]]>([:])

    public init() {}

    public func rows(of table: WorkTable) -> [[Value]] {
        tables.withLock { $0[ObjectIdentifier(table)] ?? [] }
    }

    public func set(_ rows: [[Value]], for table: WorkTable) {
        tables.withLock { $0[ObjectIdentifier(table)] = rows }
    }
}
