import Foundation

/// The per-server pool every checkout of a `MongoPool` goes to while SDAM leaves one candidate
/// for its read preference (a single server, or a replica set's primary for primary reads), so
/// the hot path skips server selection. Recomputed on every topology change and option update.
///
/// Guarded by the pool's event log's lock, which is also the lock of every server pool of that
/// `MongoPool`: an uncontended checkout reads the route and takes an idle connection from it in
/// one critical section.
///
/// `@unchecked Sendable`: `pool` is only touched while `lock` is held.
final class ConnectionPoolRoute: @unchecked Sendable {
    private let lock: NSLock
    @exclusivity(unchecked) private var pool: ConnectionPool?

    /// - Parameter lock: the event log's lock, shared by every pool the route will name.
    init(sharing lock: NSLock) {
        self.lock = lock
    }

    var current: ConnectionPool? {
        lock.lock()
        defer { lock.unlock() }
        return pool
    }

    func set(_ newPool: ConnectionPool?) {
        // A pool guarded by another lock could not be checked out from under this one.
        assert(newPool.map { $0.book.isGuarded(by: lock) } ?? true, "a route's pool must share the route's lock")
        lock.lock()
        defer { lock.unlock() }
        pool = newPool
    }

    /// The route's pool and an idle connection checked out of it, or nil (no route, the pool is
    /// not ready, someone is queued, or no idle connection is usable right now: then nothing
    /// happened, and the caller takes the full path).
    func checkOutIdle() -> (ConnectionPool, PooledConnection)? {
        lock.lock()
        defer { lock.unlock() }
        guard let pool, let connection = pool.book.withLockHeld({ pool.checkOutIdle(&$0) }) else { return nil }
        return (pool, connection)
    }
}
