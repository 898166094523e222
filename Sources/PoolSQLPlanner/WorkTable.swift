import PoolSQLCore
import Synchronization

/// The rows a recursive CTE's recursive term reads: the previous iteration's new rows. A
/// reference type, so each `WITH RECURSIVE` in a statement has its own identity.
public final class WorkTable: Sendable {
    public let name: String
    public let columns: [PlanColumn]

    public init(name: String, columns: [PlanColumn]) {
        self.name = name
        self.columns = columns
    }
}
