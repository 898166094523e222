import Foundation
import PoolSQLCore

extension ConnectionPoolCore {
    /// Starts the background thread (CMAP's optional Background Thread): each run closes
    /// perished idle connections and, while the pool is ready, starts establishing connections
    /// up to minPoolSize within maxConnecting; then it sleeps `interval` or until woken. It holds
    /// the pool's core (not the `ConnectionPool`) and ends when the pool is closed, or at its
    /// next wake-up once the last reference to the `ConnectionPool` is dropped.
    func startBackgroundThread(interval: Duration) {
        let wakeUp = backgroundWakeUp
        let nanoseconds = max(1_000_000, Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000))
        let thread = Thread { [self] in
            while !handleDropped.load(ordering: .acquiring), runBackgroundOnce() {
                _ = wakeUp.wait(timeout: .now() + .nanoseconds(nanoseconds))
            }
        }
        thread.name = "poolsql-cmap-\(poolName)-background"
        thread.start()
    }

    /// One background run; false once the pool is closed.
    func runBackgroundOnce() -> Bool {
        events.synchronizeWallClock()
        let now = PoolInstant.now()
        var toClose: [PooledConnection] = []
        var toEstablish: [PendingConnection] = []
        let open = book.withLock { book -> Bool in
            guard book.lifecycle != .closed else { return false }
            if !book.available.isEmpty {
                var kept: [PooledConnection] = []
                for connection in book.available {
                    if let reason = book.perishedReason(connection, now: now) {
                        book.close(connection, reason: reason, into: &toClose)
                    } else {
                        kept.append(connection)
                    }
                }
                book.available = kept
            }
            if book.lifecycle == .ready {
                while book.totalCount < book.options.minPoolSize, book.mayStartEstablishing {
                    toEstablish.append(book.createPending(for: nil))
                }
            }
            if !toClose.isEmpty { book.serveWaiters(closing: &toClose) }
            return true
        }
        Self.closeConnections(toClose)
        for pendingConnection in toEstablish { startEstablishing(pendingConnection) }
        return open
    }
}
