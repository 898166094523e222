import PoolSQLCore
import Synchronization

/// Set while planning a subquery when one of its names resolves to an enclosing query.
final class CorrelationTracker: Sendable {
    private let flag = Atomic<Bool>(false)

    var correlated: Bool { flag.load(ordering: .relaxed) }

    func markCorrelated() { flag.store(true, ordering: .relaxed) }
}
