import Dispatch
import PoolSQLCore

extension ConnectionPool {
    /// What `checkOutWaiting` decided under the lock on its first look. (The uncontended path,
    /// `checkOutIdle`, never builds one: creating and destroying a multi-payload enum cost
    /// runtime calls on every checkout.)
    private enum FirstLook {
        case connection(PooledConnection)
        case establish(CheckoutRequest, PendingConnection)
        case wait(CheckoutRequest, timeoutMS: Int)
        case failure(PoolSQLError)
    }

    /// Checks out a connection (CMAP checkOut): the warmest idle one if nobody is queued,
    /// else a new one if the pool is below maxPoolSize and maxConnecting, else waits in FIFO
    /// order for up to `waitQueueTimeoutMS` (0 = no limit) for either. Stale, idle and perished
    /// connections met on the way are closed.
    ///
    /// The uncontended case (`checkOutIdle`) is one critical section with one clock reading:
    /// its `connection_check_out_started` and `connection_checked_out` share that time.
    ///
    /// Throws 55000 (pool closed), 08006 (pool paused or cleared while waiting), 53300 (wait
    /// queue timeout), or the factory's error when establishing failed (the pool is then
    /// cleared). Blocks: never call it from Swift's cooperative thread pool.
    public func checkOut() throws -> PooledConnection {
        if let connection = book.withLock({ checkOutIdle(&$0) }) { return connection }
        return try checkOutWaiting()
    }

    /// The uncontended checkout, under the lock the caller holds: the warmest idle connection
    /// when the pool is ready, nobody is queued and that connection is usable; nil (and nothing
    /// recorded or changed) otherwise. One clock reading for both events.
    func checkOutIdle(_ book: inout ConnectionPoolBookkeeping) -> PooledConnection? {
        // popLast moves the connection out of the array (no retain and release around a peek);
        // an unusable one goes back untouched.
        guard book.lifecycle == .ready, book.waitQueue.isEmpty, let connection = book.available.popLast() else { return nil }
        let now = PoolInstant.now()
        guard book.perishedReason(connection, now: now) == nil else {
            book.available.append(connection)
            return nil
        }
        book.record(.connectionCheckOutStarted, at: now)
        book.markCheckedOut(connection, start: now, now: now)
        return connection
    }

    /// Every other checkout: closes what it meets perished, establishes, waits or fails.
    private func checkOutWaiting() throws -> PooledConnection {
        var toClose: [PooledConnection] = []
        let look = book.withLock { book -> FirstLook in
            let now = PoolInstant.now()
            book.record(.connectionCheckOutStarted, at: now)
            switch book.lifecycle {
            case .closed:
                book.checkoutFailures += 1
                book.record(.connectionCheckOutFailed, at: now, reason: .poolClosed, durationNanoseconds: 0)
                return .failure(.connectionPoolClosed(pool: poolName, address: address))
            case .paused:
                book.checkoutFailures += 1
                book.record(.connectionCheckOutFailed, at: now, reason: .connectionError, durationNanoseconds: 0)
                return .failure(.connectionPoolCleared(pool: poolName, address: address, paused: true))
            case .ready:
                break
            }
            if book.waitQueue.isEmpty {
                if let connection = book.takeAvailable(now: now, closing: &toClose) {
                    book.markCheckedOut(connection, start: now, now: now)
                    return .connection(connection)
                }
                if book.mayStartEstablishing {
                    let request = CheckoutRequest(ticket: book.nextTicket, start: now)
                    book.nextTicket += 1
                    return .establish(request, book.createPending(for: request))
                }
            }
            let request = CheckoutRequest(ticket: book.nextTicket, start: now)
            book.nextTicket += 1
            book.waitQueue.append(request)
            return .wait(request, timeoutMS: book.options.waitQueueTimeoutMS)
        }
        if !toClose.isEmpty { closeConnections(toClose) }
        switch look {
        case let .connection(connection):
            return connection
        case let .failure(error):
            throw error
        case let .establish(request, pendingConnection):
            return try core.establishForCheckout(request, pendingConnection)
        case let .wait(request, timeoutMS):
            let deadline: PoolInstant? = timeoutMS > 0 ? request.start.adding(milliseconds: timeoutMS) : nil
            switch try core.awaitGrant(request, deadline: deadline, timeoutMS: timeoutMS) {
            case let .connection(connection):
                return connection
            case let .establish(pendingConnection):
                return try core.establishForCheckout(request, pendingConnection)
            case let .failure(error):
                throw error
            }
        }
    }
}

extension ConnectionPoolCore {
    /// Waits until the request is granted something. At the deadline a still-queued request
    /// leaves the queue and fails with a timeout; one granted in the same instant takes its grant.
    func awaitGrant(_ request: CheckoutRequest, deadline: PoolInstant?, timeoutMS: Int) throws -> CheckoutRequest.Grant {
        while true {
            var timedOut = false
            if let deadline {
                let remaining = deadline - PoolInstant.now()
                if remaining <= 0 {
                    timedOut = true
                } else {
                    timedOut = request.wakeUp.wait(timeout: .now() + .nanoseconds(Int(remaining))) == .timedOut
                }
            } else {
                request.wakeUp.wait()
            }
            let grant = book.withLock { book -> CheckoutRequest.Grant? in
                if request.grant == nil, timedOut, book.waitQueue.remove(ticket: request.ticket) {
                    book.failCheckout(request, reason: .timeout, error: .waitQueueTimeout(
                        pool: poolName, address: address, waitedMS: timeoutMS, inUse: book.inUseCount,
                        total: book.totalCount, waiting: book.waitQueue.count))
                }
                defer { request.grant = nil }
                return request.grant
            }
            if let grant { return grant }
        }
    }

}

extension ConnectionPool {
    /// Returns a connection (CMAP checkIn). It is closed instead of kept when the pool is
    /// closed (reason poolClosed), it is stale (stale), perished (error), or the pool is above
    /// a lowered maxPoolSize (idle). Returns false, doing nothing, for a connection that is not
    /// checked out of this pool (a double or foreign check-in).
    @discardableResult
    public func checkIn(_ connection: PooledConnection) -> Bool {
        guard connection.owner == ObjectIdentifier(core) else { return false }
        var toClose: [PooledConnection] = []
        let accepted = book.withLock { book -> Bool in
            guard connection.poolState == .inUse else { return false }
            let now = PoolInstant.now()
            book.inUseCount -= 1
            connection.poolState = .available
            connection.endLease()
            connection.lastCheckedInAt = book.events.timestamp(at: now)
            connection.availableSince = now
            book.record(.connectionCheckedIn, at: now, connectionID: connection.id)
            if book.lifecycle == .closed {
                book.close(connection, reason: .poolClosed, at: now, into: &toClose)
            } else if connection.isPerished {
                // Before the staleness check: when an error both perished the connection and
                // cleared the pool, "error" is the reason that explains it.
                book.close(connection, reason: .error, at: now, into: &toClose)
            } else if connection.generation != book.generation {
                book.close(connection, reason: .stale, at: now, into: &toClose)
            } else if book.options.maxPoolSize > 0, book.totalCount > book.options.maxPoolSize {
                book.close(connection, reason: .idle, detail: "pool shrank to maxPoolSize \(book.options.maxPoolSize)", at: now,
                           into: &toClose)
            } else {
                book.available.append(connection)
            }
            if !book.waitQueue.isEmpty { book.serveWaiters(closing: &toClose) }
            return true
        }
        if !toClose.isEmpty {
            closeConnections(toClose)
            // Closing may have taken the pool below minPoolSize.
            backgroundWakeUp.signal()
        }
        return accepted
    }
}
