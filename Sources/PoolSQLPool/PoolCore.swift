import Dispatch
import PoolSQLCore
import Synchronization

/// The shared machinery of one pool: its state, the checkout/check-in protocol, and what the
/// maintenance thread does. `MongoPool` is the public face; the maintenance thread holds this
/// object (not the `MongoPool`), so dropping the last `MongoPool` reference can close the pool.
final class PoolCore: Sendable {
    let name: String
    let uri: MongoURI
    let state: Mutex<PoolState>
    /// Signalled to make the maintenance thread run a round now (options changed, pool closed,
    /// a connection slot freed up).
    let maintenanceWakeUp = DispatchSemaphore(value: 0)
    let monitor: HealthMonitor

    init(name: String, uri: MongoURI, options: PoolOptions) {
        self.name = name
        self.uri = uri
        self.state = Mutex(PoolState(options: options))
        self.monitor = HealthMonitor(pool: name, uri: uri)
    }

    // MARK: Checkout and check-in

    /// Takes a connection: an idle one if there is one, otherwise opens one if the pool has room,
    /// otherwise waits in FIFO order up to `waitQueueTimeoutMS`.
    func checkOut() throws -> PooledClient {
        let wakeUp = DispatchSemaphore(value: 0)
        let (waiterID, timeoutMS) = try state.withLock { state -> (Int, Int) in
            if state.closed { throw PoolSQLError.poolClosed(name) }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.waiters.append(Waiter(id: id, wakeUp: wakeUp))
            state.serveWaiters()
            return (id, state.options.waitQueueTimeoutMS)
        }
        if timeoutMS == 0 {
            wakeUp.wait()
        } else if wakeUp.wait(timeout: .now() + .milliseconds(timeoutMS)) == .timedOut {
            // Either still queued (a real timeout) or granted in the instant after the timeout.
            let outcome = state.withLock { state -> (CheckoutGrant?, PoolStatistics) in
                if let grant = state.grants.removeValue(forKey: waiterID) { return (grant, state.statistics) }
                state.waiters.removeAll { $0.id == waiterID }
                state.checkoutFailures += 1
                return (nil, state.statistics)
            }
            guard let grant = outcome.0 else {
                let stats = outcome.1
                throw PoolSQLError(
                    .tooManyConnections,
                    "timed out after \(timeoutMS) ms waiting for a connection from pool \"\(name)\"",
                    detail: "\(stats.activeConnections) of at most \(stats.totalConnections) connections in use, \(stats.waitQueueLength) other checkouts waiting",
                    hint: "raise maxPoolSize or waitQueueTimeoutMS, or return connections sooner")
            }
            return try redeem(grant)
        }
        guard let grant = state.withLock({ $0.grants.removeValue(forKey: waiterID) }) else {
            throw PoolSQLError.internal("pool \"\(name)\": checkout woke without a grant")
        }
        return try redeem(grant)
    }

    private func redeem(_ grant: CheckoutGrant) throws -> PooledClient {
        switch grant {
        case let .connection(client):
            return client
        case .closed:
            throw PoolSQLError.poolClosed(name)
        case let .openNew(generation):
            do {
                let client = try openConnection(generation: generation)
                let stillOpen = state.withLock { state -> Bool in
                    state.pending -= 1
                    state.connectionsCreated += 1
                    if state.closed {
                        state.total -= 1
                        state.connectionsDestroyed += 1
                        return false
                    }
                    state.inUse += 1
                    return true
                }
                guard stillOpen else {
                    client.close()
                    throw PoolSQLError.poolClosed(name)
                }
                return client
            } catch {
                state.withLock { state in
                    state.pending -= 1
                    state.total -= 1
                    state.checkoutFailures += 1
                    state.serveWaiters()
                }
                throw error
            }
        }
    }

    /// Opens one connection for a slot already reserved in `total` and `pending`.
    func openConnection(generation: Int) throws -> PooledClient {
        let (options, id) = state.withLock { state -> (PoolOptions, Int) in
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            return (state.options, id)
        }
        return try PooledClient.open(uri: uri, options: options, appName: options.appName, pool: name, id: id, generation: generation)
    }

    /// Returns a connection. It is closed instead of kept when it broke, belongs to an older
    /// generation, the pool shrank below its count, or the pool is closed.
    func checkIn(_ client: PooledClient) {
        let keep = state.withLock { state -> Bool in
            state.inUse -= 1
            let overMaximum = state.options.maxPoolSize > 0 && state.total > state.options.maxPoolSize
            let keep = !state.closed && !overMaximum && !client.broken.load(ordering: .acquiring)
                && client.generation == state.generation
            if keep {
                state.available.append((client, ContinuousClock.now))
            } else {
                state.total -= 1
                state.connectionsDestroyed += 1
            }
            state.serveWaiters()
            return keep
        }
        if !keep {
            client.close()
            // Closing may have dropped the pool below minPoolSize.
            maintenanceWakeUp.signal()
        }
    }

    /// After a network error: every connection opened so far is suspect (the server may have
    /// restarted), so idle ones are closed now and checked-out ones when they come back (CMAP's
    /// "clear the pool").
    func clear() {
        let idle = state.withLock { state -> [PooledClient] in
            state.generation += 1
            return state.takeAllIdle()
        }
        idle.forEach { $0.close() }
    }

    /// Counts one command on a pool connection.
    func recordOperation(duration: Duration, failed: Bool) {
        state.withLock { state in
            state.operations += 1
            state.totalOperationTime += duration
            if failed { state.errors += 1 }
        }
    }

    // MARK: Live changes and shutdown

    func update(options: PoolOptions) {
        let excess = state.withLock { state -> [PooledClient] in
            state.options = options
            let excess = state.takeExcessIdle()
            // A larger maximum or maxConnecting may let waiters through right away.
            state.serveWaiters()
            return excess
        }
        excess.forEach { $0.close() }
        maintenanceWakeUp.signal()
    }

    /// Marks the pool closed, fails all waiters, closes idle connections (checked-out ones close
    /// when they come back) and tells the maintenance thread to stop. Idempotent.
    func close() {
        let idle = state.withLock { state -> [PooledClient] in
            if state.closed { return [] }
            state.closed = true
            for waiter in state.waiters {
                state.grants[waiter.id] = .closed
                waiter.wakeUp.signal()
            }
            state.waiters.removeAll()
            return state.takeAllIdle()
        }
        idle.forEach { $0.close() }
        maintenanceWakeUp.signal()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: Health

    /// Runs one health check now on the calling thread and records it; a failed check clears the
    /// pool.
    @discardableResult
    func runHealthCheck() -> HealthStatus {
        let options = state.withLock { $0.options }
        let report = monitor.check(options: options)
        state.withLock { state in
            state.health = report
            state.hasHealthReport = true
        }
        // As a driver's server monitor does (CMAP): when the server cannot be reached, the pool's
        // connections are presumed dead, so they are closed rather than handed out to fail one by
        // one once the server is back.
        if report.status == .unhealthy { clear() }
        return report.status
    }
}
