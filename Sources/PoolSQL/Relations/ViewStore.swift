import PoolSQLCore
import Synchronization

/// Where an engine keeps its views between runs. The engine loads every view once at start and
/// hands the store the complete list after each change, so an implementation replaces its
/// contents in one durable step (a file rename, a database transaction).
public protocol ViewStore: Sendable {
    /// Every stored view, in creation order. A store that cannot be read is an error naming it.
    func loadViews() throws(PoolSQLError) -> [StoredView]
    /// Replaces the stored views with `views` (creation order), durably.
    func saveViews(_ views: [StoredView]) throws(PoolSQLError)
}

/// Views kept only for the engine's lifetime: the store of an engine without a data directory.
public final class MemoryViewStore: ViewStore {
    private let views: Mutex<[StoredView]>

    public init(_ views: [StoredView] = []) {
        self.views = Mutex(views)
    }

    public func loadViews() throws(PoolSQLError) -> [StoredView] { views.withLock { $0 } }

    public func saveViews(_ views: [StoredView]) throws(PoolSQLError) {
        self.views.withLock { $0 = views }
    }
}
