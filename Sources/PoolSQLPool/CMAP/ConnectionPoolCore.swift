import Dispatch
import Foundation
import PoolSQLCore
import Synchronization

/// The part of a `ConnectionPool` its own threads need: the bookkeeping, the factory, the
/// background thread's loop and connection establishment. The background and establishing
/// threads hold the core strongly; the `ConnectionPool` handle (what users and `MongoPool`
/// hold, and what a checkout retains) is referenced by nobody weakly.
final class ConnectionPoolCore: Sendable {
    let poolName: String
    let address: ServerAddress
    let factory: any ConnectionFactory
    let events: PoolEventLog
    let book: ConnectionPoolLock<ConnectionPoolBookkeeping>
    /// Wakes the background thread for a run now (ready, clear, close, option changes).
    let backgroundWakeUp = DispatchSemaphore(value: 0)
    /// Set when the last reference to the `ConnectionPool` is gone: the background thread ends.
    let handleDropped = Atomic<Bool>(false)

    init(poolName: String, address: ServerAddress, factory: any ConnectionFactory, events: PoolEventLog,
         book: ConnectionPoolLock<ConnectionPoolBookkeeping>) {
        self.poolName = poolName
        self.address = address
        self.factory = factory
        self.events = events
        self.book = book
    }

    /// Closes sockets outside the lock (closing can block on the network).
    static func closeConnections(_ connections: [PooledConnection]) {
        for connection in connections { connection.connection.close() }
    }
}
