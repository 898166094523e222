import Foundation
import PoolSQLCore
import Synchronization

/// Everything a `ConnectionPool` guards with its one lock (its event log's), and the state
/// transitions that must happen atomically with their events (events are recorded under the
/// lock, so subscribers see them in the order the transitions happened).
struct ConnectionPoolBookkeeping {
    let poolName: String
    let address: ServerAddress
    let events: PoolEventLog
    /// This pool's entry in the log's table of sources (its compact events name it).
    let eventSource: Int32
    var options: PoolOptions
    /// The lifecycle for lock-free readers (`ConnectionPool.isReady`); stored under the lock,
    /// so it follows the transitions in order.
    let publishedLifecycle: PublishedLifecycle
    var lifecycle: ConnectionPoolState = .paused {
        didSet { publishedLifecycle.value.store(lifecycle == .ready, ordering: .releasing) }
    }
    var generation = 0
    var nextConnectionID = 1
    var nextTicket = 0
    /// Idle connections, most recently returned last (checkOut takes the warmest one, so the
    /// coldest ones reach `maxIdleTimeMS` and go away when load drops).
    var available: [PooledConnection] = []
    /// Established connections, available and in use (for snapshots and close).
    var established: [Int: PooledConnection] = [:]
    var pending: [Int: PendingConnection] = [:]
    var inUseCount = 0
    var waitQueue = CheckoutWaitQueue()

    var checkouts = 0
    var checkoutFailures = 0
    var checkoutTimeouts = 0
    var connectionsCreated = 0
    var connectionsClosed = 0
    /// Nanoseconds.
    var totalCheckoutWait: Int64 = 0
    var maxCheckoutWait: Int64 = 0

    /// Pending connections the background thread opens (no checkout waits for them).
    var populatingCount = 0

    var totalCount: Int { established.count + pending.count }

    /// Below maxPoolSize and maxConnecting: a new connection may start establishing.
    var mayStartEstablishing: Bool {
        (options.maxPoolSize == 0 || totalCount < options.maxPoolSize) && pending.count < options.maxConnecting
    }

    /// Records a pool event (one with text: pool events, closes with a message). The caller
    /// holds the lock, as for everything here.
    func emit(_ type: PoolEventType, at instant: PoolInstant = .now(), connectionID: Int? = nil,
              reason: PoolEventReason? = nil, durationNanoseconds: Int64? = nil, detail: String? = nil,
              interruptInUseConnections: Bool? = nil) {
        events.recordLocked(PoolEvent(
            time: events.timestamp(at: instant), poolName: poolName, type: type, serverAddress: address, connectionID: connectionID,
            reason: reason, durationMS: durationNanoseconds.map { PoolInstant.milliseconds(nanoseconds: $0) },
            detail: detail, interruptInUseConnections: interruptInUseConnections))
    }

    /// Records a connection or checkout event without text, compactly (the hot path).
    func record(_ kind: CompactEventKind, at instant: PoolInstant, connectionID: Int = PoolEventRecord.noValue,
              reason: PoolEventReason? = nil, durationNanoseconds: Int64 = Int64(PoolEventRecord.noValue)) {
        events.recordLocked(kind, source: eventSource, timeMicroseconds: events.microseconds(at: instant), connectionID: connectionID,
                            reason: reason, durationNanoseconds: durationNanoseconds)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    // MARK: Connections

    /// Why an available connection must not be handed out, or nil when it is fine.
    func perishedReason(_ connection: PooledConnection, now: PoolInstant) -> PoolEventReason? {
        if connection.generation != generation { return .stale }
        if options.maxIdleTimeMS > 0, now - connection.availableSince > Int64(options.maxIdleTimeMS) * 1_000_000 { return .idle }
        if connection.isPerished { return .error }
        return nil
    }

    /// The warmest usable available connection; perished ones met on the way are closed.
    mutating func takeAvailable(now: PoolInstant, closing toClose: inout [PooledConnection]) -> PooledConnection? {
        while let connection = available.popLast() {
            if let reason = perishedReason(connection, now: now) {
                close(connection, reason: reason, at: now, into: &toClose)
                continue
            }
            return connection
        }
        return nil
    }

    /// CMAP "close a connection": forgets it and emits `connection_closed`; the caller closes
    /// the socket after releasing the lock. The connection must not be in `available`.
    mutating func close(_ connection: PooledConnection, reason: PoolEventReason, detail: String? = nil, at instant: PoolInstant = .now(),
                        into toClose: inout [PooledConnection]) {
        if connection.poolState == .inUse { inUseCount -= 1 }
        connection.poolState = .closed
        connection.endLease()
        established[connection.id] = nil
        connectionsClosed += 1
        if let detail {
            emit(.connectionClosed, at: instant, connectionID: connection.id, reason: reason, detail: detail)
        } else {
            record(.connectionClosed, at: instant, connectionID: connection.id, reason: reason)
        }
        toClose.append(connection)
    }

    /// Hands `connection` to a checkout that started at `start`; `now` is the caller's clock
    /// reading (the uncontended checkout reads the clock once for both of its events, so its
    /// `connection_checked_out` has the same time as its `connection_check_out_started` and a
    /// wait of 0).
    mutating func markCheckedOut(_ connection: PooledConnection, start: PoolInstant, now: PoolInstant) {
        let waited = max(0, now - start)
        connection.poolState = .inUse
        connection.checkoutCount += 1
        connection.beginLease(connection.checkoutCount)
        connection.lastCheckedOutAt = events.timestamp(at: now)
        inUseCount += 1
        checkouts += 1
        totalCheckoutWait &+= waited
        if waited > maxCheckoutWait { maxCheckoutWait = waited }
        record(.connectionCheckedOut, at: now, connectionID: connection.id, durationNanoseconds: waited)
    }

    /// CMAP "create a connection": reserves a pending slot and emits `connection_created`.
    mutating func createPending(for checkout: CheckoutRequest?) -> PendingConnection {
        let id = nextConnectionID
        nextConnectionID += 1
        let now = PoolInstant.now()
        let pendingConnection = PendingConnection(
            id: id, generation: generation, createdAt: now, createdTimestamp: events.timestamp(at: now), options: options,
            interrupted: InterruptFlag(), checkout: checkout)
        pending[id] = pendingConnection
        if checkout == nil { populatingCount += 1 }
        connectionsCreated += 1
        record(.connectionCreated, at: now, connectionID: id)
        return pendingConnection
    }

    /// Forgets a pending connection; false when it was already forgotten (abandoned).
    @discardableResult
    mutating func removePending(_ pendingConnection: PendingConnection) -> Bool {
        guard pending.removeValue(forKey: pendingConnection.id) != nil else { return false }
        if pendingConnection.checkout == nil { populatingCount -= 1 }
        return true
    }

    mutating func failCheckout(_ request: CheckoutRequest, reason: PoolEventReason, error: PoolSQLError) {
        checkoutFailures += 1
        if reason == .timeout { checkoutTimeouts += 1 }
        let now = PoolInstant.now()
        record(.connectionCheckOutFailed, at: now, reason: reason, durationNanoseconds: now - request.start)
        request.fulfil(.failure(error))
    }

    // MARK: Wait queue

    /// Serves queued checkouts in FIFO order while the head one can be served: an available
    /// connection, or a slot to establish one. Call after anything that frees a connection or
    /// capacity. The head blocks everyone behind it (CMAP fairness).
    ///
    /// Connections the background thread is establishing (for minPoolSize) will be available
    /// soon; while there are at least as many of them as waiters, waiters wait for them instead
    /// of opening more (spec test pool-checkout-minPoolSize-connection-maxConnecting).
    mutating func serveWaiters(closing toClose: inout [PooledConnection]) {
        guard !waitQueue.isEmpty, lifecycle == .ready else { return }
        let now = PoolInstant.now()
        while let request = waitQueue.first {
            if let connection = takeAvailable(now: now, closing: &toClose) {
                waitQueue.removeFirst()
                markCheckedOut(connection, start: request.start, now: now)
                request.fulfil(.connection(connection))
            } else if mayStartEstablishing && populatingCount < waitQueue.count {
                waitQueue.removeFirst()
                request.fulfil(.establish(createPending(for: request)))
            } else {
                return
            }
        }
    }

    mutating func failAllWaiters(reason: PoolEventReason, error: PoolSQLError) {
        for request in waitQueue.removeAll() {
            failCheckout(request, reason: reason, error: error)
        }
    }

    // MARK: Clear and close

    /// CMAP "clear": bump the generation, pause, fail all waiters, and (with
    /// `interruptInUseConnections`) abandon pending establishments and mark in-use connections
    /// perished. Clearing a paused pool emits nothing.
    mutating func clear(interruptInUseConnections interrupt: Bool, detail: String?, closing toClose: inout [PooledConnection]) {
        guard lifecycle != .closed else { return }
        let clearedGeneration = generation
        if lifecycle == .ready {
            generation += 1
            lifecycle = .paused
            emit(.poolCleared, detail: detail, interruptInUseConnections: interrupt)
            failAllWaiters(reason: .connectionError,
                           error: .connectionPoolCleared(pool: poolName, address: address, paused: false))
        }
        guard interrupt else { return }
        for pendingConnection in pending.values.sorted(by: { $0.id < $1.id }) where pendingConnection.generation <= clearedGeneration {
            abandon(pendingConnection, reason: .error, checkoutReason: .connectionError,
                    error: .connectionInterrupted(pool: poolName, address: address))
        }
        for connection in established.values where connection.poolState == .inUse && connection.generation <= clearedGeneration {
            connection.markPerished()
        }
    }

    /// Gives up on a pending establishment: it stops counting, its checkout (if any) fails now,
    /// and the establishing thread closes the connection when the factory returns.
    mutating func abandon(_ pendingConnection: PendingConnection, reason: PoolEventReason, checkoutReason: PoolEventReason,
                          error: PoolSQLError) {
        removePending(pendingConnection)
        pendingConnection.interrupted.set()
        connectionsClosed += 1
        record(.connectionClosed, at: .now(), connectionID: pendingConnection.id, reason: reason)
        if let checkout = pendingConnection.checkout {
            failCheckout(checkout, reason: checkoutReason, error: error)
        }
    }
}

/// Whether a pool is ready, readable without its lock (the checkout hot path looks before it
/// commits to a pool).
final class PublishedLifecycle: Sendable {
    let value = Atomic<Bool>(false)
}
