import PoolSQLCore
import Synchronization

/// The pools load tests are running on now, across the engine's sessions, so that dropping such
/// a pool is refused (55006) instead of failing the test's operations one by one.
final class RunningLoadTests: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func begin(_ pool: String) {
        counts.withLock { $0[pool, default: 0] += 1 }
    }

    func end(_ pool: String) {
        counts.withLock { counts in
            let remaining = (counts[pool] ?? 1) - 1
            counts[pool] = remaining > 0 ? remaining : nil
        }
    }

    func isRunning(on pool: String) -> Bool {
        counts.withLock { $0[pool] != nil }
    }

    /// 55006 when a load test runs on `pool`.
    func checkNotInUse(_ pool: String, range: SourceRange?) throws(PoolSQLError) {
        guard isRunning(on: pool) else { return }
        throw PoolSQLError(.objectInUse, "pool \"\(pool)\" is in use by a running load test",
                           hint: "Stop the load test (Ctrl-C in its REPL) or wait for it to finish.", range: range)
    }
}
