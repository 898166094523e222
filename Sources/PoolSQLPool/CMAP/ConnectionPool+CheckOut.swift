import Dispatch
import PoolSQLCore

extension ConnectionPool {
    /// What `checkOut` decided under the lock on its first look.
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
    /// Throws 55000 (pool closed), 08006 (pool paused or cleared while waiting), 53300 (wait
    /// queue timeout), or the factory's error when establishing failed (the pool is then
    /// cleared). Blocks: never call it from Swift's cooperative thread pool.
    public func checkOut() throws -> PooledConnection {
        let start = ContinuousClock.now
        var toClose: [PooledConnection] = []
        let look = book.withLock { book -> FirstLook in
            let startedAt = ConnectionPoolBookkeeping.wallClock()
            book.emit(.connectionCheckOutStarted, time: startedAt)
            switch book.lifecycle {
            case .closed:
                book.checkoutFailures += 1
                book.emit(.connectionCheckOutFailed, reason: .poolClosed, duration: ContinuousClock.now - start)
                return .failure(.connectionPoolClosed(pool: poolName, address: address))
            case .paused:
                book.checkoutFailures += 1
                book.emit(.connectionCheckOutFailed, reason: .connectionError, duration: ContinuousClock.now - start)
                return .failure(.connectionPoolCleared(pool: poolName, address: address, paused: true))
            case .ready:
                break
            }
            if book.waitQueue.isEmpty {
                if let connection = book.takeAvailable(now: start, closing: &toClose) {
                    book.markCheckedOut(connection, start: start, time: startedAt)
                    return .connection(connection)
                }
                if book.mayStartEstablishing {
                    let request = CheckoutRequest(ticket: book.nextTicket, start: start)
                    book.nextTicket += 1
                    return .establish(request, book.createPending(for: request))
                }
            }
            let request = CheckoutRequest(ticket: book.nextTicket, start: start)
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
            return try establishForCheckout(request, pendingConnection)
        case let .wait(request, timeoutMS):
            let deadline: ContinuousClock.Instant? = timeoutMS > 0 ? start + .milliseconds(timeoutMS) : nil
            switch try awaitGrant(request, deadline: deadline, timeoutMS: timeoutMS) {
            case let .connection(connection):
                return connection
            case let .establish(pendingConnection):
                return try establishForCheckout(request, pendingConnection)
            case let .failure(error):
                throw error
            }
        }
    }

    /// Waits until the request is granted something. At the deadline a still-queued request
    /// leaves the queue and fails with a timeout; one granted in the same instant takes its grant.
    func awaitGrant(_ request: CheckoutRequest, deadline: ContinuousClock.Instant?, timeoutMS: Int) throws -> CheckoutRequest.Grant {
        while true {
            var timedOut = false
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero {
                    timedOut = true
                } else {
                    let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
                    timedOut = request.wakeUp.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut
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

    /// Returns a connection (CMAP checkIn). It is closed instead of kept when the pool is
    /// closed (reason poolClosed), it is stale (stale), perished (error), or the pool is above
    /// a lowered maxPoolSize (idle). Returns false, doing nothing, for a connection that is not
    /// checked out of this pool (a double or foreign check-in).
    @discardableResult
    public func checkIn(_ connection: PooledConnection) -> Bool {
        guard connection.owner == ObjectIdentifier(self) else { return false }
        let now = ContinuousClock.now
        var toClose: [PooledConnection] = []
        let accepted = book.withLock { book -> Bool in
            guard connection.poolState == .inUse else { return false }
            book.inUseCount -= 1
            connection.poolState = .available
            let time = ConnectionPoolBookkeeping.wallClock()
            connection.lastCheckedInAt = time
            connection.availableSince = now
            book.events.emit(PoolEvent(time: time, poolName: poolName, type: .connectionCheckedIn, serverAddress: address,
                                       connectionID: connection.id))
            if book.lifecycle == .closed {
                book.close(connection, reason: .poolClosed, into: &toClose)
            } else if connection.isPerished {
                // Before the staleness check: when an error both perished the connection and
                // cleared the pool, "error" is the reason that explains it.
                book.close(connection, reason: .error, into: &toClose)
            } else if connection.generation != book.generation {
                book.close(connection, reason: .stale, into: &toClose)
            } else if book.options.maxPoolSize > 0, book.totalCount > book.options.maxPoolSize {
                book.close(connection, reason: .idle, detail: "pool shrank to maxPoolSize \(book.options.maxPoolSize)",
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
