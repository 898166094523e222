import Dispatch
import Foundation
import PoolSQLCore

/// A per-server connection pool following the MongoDB drivers' Connection Monitoring and
/// Pooling specification (CMAP): created paused, `ready()` once its server is known good,
/// `clear()`ed (generation bump, pause, wait queue failed) after errors, `close()`d for good.
///
/// Checkouts are served FIFO; at most `maxPoolSize` connections exist (in use + idle +
/// pending) and at most `maxConnecting` are being established at once. Establishment runs on
/// its own thread, so a clear or close can fail a pending checkout at once. A background thread
/// (a Foundation `Thread`) closes stale and idle connections and keeps `minPoolSize` open.
///
/// Every CMAP event is recorded in `events` under the pool's lock, in order: the pool's lock is
/// its event log's (shared by the server pools of one `MongoPool`).
///
/// `checkOut` blocks: call it from ordinary threads, never from Swift's cooperative pool.
public final class ConnectionPool: Sendable {
    public let poolName: String
    public let address: ServerAddress
    /// What the background and establishing threads hold (strongly): the pool itself is never
    /// referenced weakly, because an object with a weak reference has a side table and every
    /// retain and release of it (a checkout has some) then takes the runtime's slow path.
    let core: ConnectionPoolCore
    let events: PoolEventLog
    let book: ConnectionPoolLock<ConnectionPoolBookkeeping>
    let publishedLifecycle = PublishedLifecycle()
    let operationStatistics = ConnectionPoolLock(OperationStatisticsRecorder())
    /// Wakes the background thread for a run now (ready, clear, close, option changes).
    let backgroundWakeUp: DispatchSemaphore

    /// - Parameter backgroundInterval: time between background runs; nil never runs one (the
    ///   spec tests' negative `backgroundThreadIntervalMS`).
    public init(poolName: String, address: ServerAddress, options: PoolOptions, factory: any ConnectionFactory,
                events: PoolEventLog, backgroundInterval: Duration? = .milliseconds(100)) {
        self.poolName = poolName
        self.address = address
        self.events = events
        let eventSource = events.register(PoolEventSource(poolName: poolName, address: address))
        book = ConnectionPoolLock(ConnectionPoolBookkeeping(poolName: poolName, address: address, events: events, eventSource: eventSource,
                                                            options: options, publishedLifecycle: publishedLifecycle),
                                  sharing: events.lock)
        core = ConnectionPoolCore(poolName: poolName, address: address, factory: factory, events: events, book: book)
        backgroundWakeUp = core.backgroundWakeUp
        book.withLock { book in book.emit(.poolCreated, detail: ConnectionPool.describe(options)) }
        if let backgroundInterval { core.startBackgroundThread(interval: backgroundInterval) }
    }

    deinit {
        // Dropping the last reference to an unclosed pool ends its background thread.
        core.handleDropped.store(true, ordering: .releasing)
        backgroundWakeUp.signal()
    }

    /// The CMAP options as `pool_created` reports them: `maxPoolSize=50, minPoolSize=5, …`.
    static func describe(_ options: PoolOptions) -> String {
        var parts = ["maxPoolSize=\(options.maxPoolSize)", "minPoolSize=\(options.minPoolSize)",
                     "maxIdleTimeMS=\(options.maxIdleTimeMS)", "waitQueueTimeoutMS=\(options.waitQueueTimeoutMS)",
                     "maxConnecting=\(options.maxConnecting)"]
        if let appName = options.appName { parts.append("appName=\(appName)") }
        return parts.joined(separator: ", ")
    }

    // MARK: Lifecycle

    /// Marks the pool ready (checkouts and background population may start). A no-op unless
    /// the pool is paused.
    public func ready() {
        let changed = book.withLock { book -> Bool in
            guard book.lifecycle == .paused else { return false }
            book.lifecycle = .ready
            book.emit(.poolReady)
            return true
        }
        if changed { backgroundWakeUp.signal() }
    }

    /// CMAP clear: every current connection becomes stale (idle ones close at the next checkout
    /// or background run, in-use ones when checked in), the pool pauses, and all waiting
    /// checkouts fail with a retryable 08006 error. With `interruptInUseConnections`, pending
    /// establishments are abandoned now (their checkouts fail at once) and in-use connections
    /// are marked perished. Clearing a paused pool emits no event.
    public func clear(interruptInUseConnections: Bool = false, reason: String? = nil) {
        var toClose: [PooledConnection] = []
        book.withLock { book in
            book.clear(interruptInUseConnections: interruptInUseConnections, detail: reason, closing: &toClose)
        }
        closeConnections(toClose)
        backgroundWakeUp.signal()
    }

    /// Closes the pool for good: waiting and pending checkouts fail (PoolClosedError, 55000),
    /// idle connections close now, in-use ones when they are checked in. Idempotent.
    public func close() {
        var toClose: [PooledConnection] = []
        book.withLock { book in
            guard book.lifecycle != .closed else { return }
            book.lifecycle = .closed
            let error = PoolSQLError.connectionPoolClosed(pool: poolName, address: address)
            book.failAllWaiters(reason: .poolClosed, error: error)
            for pendingConnection in book.pending.values.sorted(by: { $0.id < $1.id }) {
                book.abandon(pendingConnection, reason: .poolClosed, checkoutReason: .poolClosed, error: error)
            }
            let idle = book.available
            book.available.removeAll()
            for connection in idle { book.close(connection, reason: .poolClosed, into: &toClose) }
            book.emit(.poolClosed)
        }
        closeConnections(toClose)
        backgroundWakeUp.signal()
    }

    /// Applies new options live. A larger maxPoolSize or maxConnecting serves waiters at once; a
    /// smaller maxPoolSize closes surplus idle connections now and surplus in-use ones as they
    /// come back; minPoolSize is filled by the background thread. Per-connection settings
    /// (appName, timeouts, TLS…) apply to connections opened from now on.
    public func update(options: PoolOptions) {
        var toClose: [PooledConnection] = []
        book.withLock { book in
            book.options = options
            while options.maxPoolSize > 0, book.totalCount > options.maxPoolSize, !book.available.isEmpty {
                let coldest = book.available.removeFirst()
                book.close(coldest, reason: .idle, detail: "pool shrank to maxPoolSize \(options.maxPoolSize)", into: &toClose)
            }
            // Waiters granted an establishment slot establish it on their own threads.
            book.serveWaiters(closing: &toClose)
        }
        closeConnections(toClose)
        backgroundWakeUp.signal()
    }

    /// Starts a new generation without pausing: settings baked into connections changed
    /// (appName, timeouts, TLS…), so connections of older generations are replaced — idle ones
    /// close as stale at the next background run or checkout, in-use ones at check-in — while
    /// checkouts go on. Unlike `clear()` nothing fails and no waiter is woken.
    public func startNewGeneration() {
        book.withLock { $0.generation += 1 }
        backgroundWakeUp.signal()
    }

    public var state: ConnectionPoolState { book.withLock { $0.lifecycle } }

    /// `state == .ready` without taking the lock (an atomic load), for hot paths that only
    /// need a hint: a checkout still re-checks under the lock.
    public var isReady: Bool { publishedLifecycle.value.load(ordering: .acquiring) }
    public var generation: Int { book.withLock { $0.generation } }
    public var options: PoolOptions { book.withLock { $0.options } }

    func closeConnections(_ connections: [PooledConnection]) {
        ConnectionPoolCore.closeConnections(connections)
    }

    // MARK: Snapshot

    /// One consistent reading of the pool, taken under its lock.
    public func snapshot(poolName name: String? = nil) -> ConnectionPoolSnapshot {
        let shownName = name ?? poolName
        return book.withLock { book in
            var connections: [ConnectionSnapshot] = []
            connections.reserveCapacity(book.totalCount)
            for connection in book.established.values {
                connections.append(ConnectionSnapshot(
                    poolName: shownName, connectionID: connection.id, serverAddress: address,
                    state: connection.poolState == .inUse ? .inUse : .idle, generation: connection.generation,
                    createdAt: connection.createdAt, lastCheckedOutAt: connection.lastCheckedOutAt,
                    lastCheckedInAt: connection.lastCheckedInAt, checkoutCount: connection.checkoutCount,
                    serverConnectionID: connection.serverConnectionID))
            }
            for pendingConnection in book.pending.values {
                connections.append(ConnectionSnapshot(
                    poolName: shownName, connectionID: pendingConnection.id, serverAddress: address, state: .connecting,
                    generation: pendingConnection.generation, createdAt: pendingConnection.createdTimestamp))
            }
            connections.sort { $0.connectionID < $1.connectionID }
            return ConnectionPoolSnapshot(
                address: address, state: book.lifecycle, generation: book.generation, totalConnections: book.totalCount,
                availableConnections: book.available.count, inUseConnections: book.inUseCount,
                pendingConnections: book.pending.count, waitQueueLength: book.waitQueue.count, connections: connections,
                checkouts: book.checkouts, checkoutFailures: book.checkoutFailures, checkoutTimeouts: book.checkoutTimeouts,
                connectionsCreated: book.connectionsCreated, connectionsClosed: book.connectionsClosed,
                totalCheckoutWaitMS: PoolInstant.milliseconds(nanoseconds: book.totalCheckoutWait),
                maxCheckoutWaitMS: PoolInstant.milliseconds(nanoseconds: book.maxCheckoutWait))
        }
    }
}
