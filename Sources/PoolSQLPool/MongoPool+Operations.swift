import Foundation
import PoolSQLCore

/// Checkout through server selection, and what an operation's error does to the pool (SDAM's
/// error handling rules).
extension MongoPool {
    /// Checks a connection out, runs `body` with it and checks it back in (CMAP closes it
    /// instead if it perished). Blocks while a server is selected (up to
    /// `serverSelectionTimeoutMS`), while waiting for a connection (`waitQueueTimeoutMS`, 53300
    /// after that), while one is opened (08001 if that fails) and while `body` runs. 55000 once
    /// closed.
    public func withConnection<T>(_ body: (MongoConnection) throws -> T) throws -> T {
        let connection = try checkOutConnection()
        // Checking in ends the connection's lease, which invalidates this handle and its copies.
        defer { connection.serverPool.checkIn(connection.pooled) }
        return try body(connection)
    }

    /// The handle takes over the checkout's references (moved, not retained again).
    private func checkOutConnection() throws -> MongoConnection {
        let (serverPool, pooled) = try checkOut()
        return MongoConnection(pooled: pooled, serverPool: serverPool, pool: self)
    }

    /// Checks out a connection, runs the command, checks the connection in; the reply is relaxed
    /// extended JSON.
    public func runCommand(database: String, commandJSON: String) throws -> String {
        try withConnection { try $0.runCommand(database: database, commandJSON: commandJSON) }
    }

    /// Runs `ping` through a pool connection.
    public func ping() throws {
        try withConnection { try $0.ping() }
    }

    /// Selects a server for the pool's read preference and checks a connection out of its CMAP
    /// pool. A pool paused by a clear counts as "server not selectable yet" (as a driver's server
    /// is Unknown until its next check): the checkout waits for it to be ready again within the
    /// server selection timeout, and asks the supervisor to check the server at once.
    func checkOut() throws -> (ConnectionPool, PooledConnection) {
        // Hot path: one candidate server whose pool has an idle connection (one critical section).
        if let taken = route.checkOutIdle() { return taken }
        // One candidate server whose pool is ready: wait or establish there.
        if let route = route.current, route.isReady {
            do {
                return (route, try route.checkOut())
            } catch let error as PoolSQLError where error.code == .connectionFailure && route.state == .paused {
                // Cleared in the meantime: wait for it below, as any paused pool.
            }
        }
        let options = try state.withLock { state -> PoolOptions in
            if state.closed { throw PoolSQLError.poolClosed(name) }
            return state.options
        }
        let deadline = ContinuousClock.now + .milliseconds(options.serverSelectionTimeoutMS)
        while true {
            let remaining = deadline - ContinuousClock.now
            let remainingMS = max(1, Int(remaining.components.seconds * 1_000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            let address: ServerAddress
            do {
                address = try topology.selectServer(forWrites: false, readPreference: options.readPreference, timeoutMS: remainingMS)
            } catch let error as PoolSQLError where error.code == .sqlClientUnableToEstablishConnection {
                throw PoolSQLError(.sqlClientUnableToEstablishConnection,
                                   "pool \"\(name)\" could not connect to \(uri.redacted): \(error.message)",
                                   detail: error.detail, hint: error.hint)
            }
            guard let serverPool = serverPool(for: address) else { throw PoolSQLError.poolClosed(name) }
            switch serverPool.state {
            case .ready:
                return (serverPool, try serverPool.checkOut())
            case .closed:
                // Removed from the topology between selection and now; select again.
                if isClosed { throw PoolSQLError.poolClosed(name) }
            case .paused:
                // New (the monitor's type change is on its way) or cleared (waiting for a
                // successful check, which we ask for now).
                supervisor.requestCheck()
            }
            if ContinuousClock.now >= deadline {
                throw PoolSQLError(.connectionFailure,
                                   "pool \"\(name)\" is paused for \(address): it was cleared after an error and the server has not answered a check since",
                                   detail: "waited serverSelectionTimeoutMS (\(options.serverSelectionTimeoutMS) ms)",
                                   hint: "see connection_pool_events and mongodb_servers for the error")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Applies SDAM's rules to an operation's failure on `pooled`: a network error (not a
    /// timeout) perishes the connection and clears the server's pool; a timeout perishes only the
    /// connection; "node is shutting down" errors clear the pool; "not writable primary" / "node
    /// is recovering" errors clear it only for servers older than 4.2 (maxWireVersion < 8);
    /// every other command error leaves the pool alone.
    func handleOperationFailure(_ failure: DriverError, timedOut: Bool, on pooled: PooledConnection, serverPool: ConnectionPool) {
        if failure.isNetworkError {
            pooled.markPerished()
            if !timedOut { serverPool.clear(reason: "network error: \(uri.scrub(failure.message))") }
            supervisor.requestCheck()
            return
        }
        guard failure.isServerError else { return }
        let code = Int(failure.code)
        if ServerErrorCodes.shutdown.contains(code) {
            serverPool.clear(reason: "server error \(code): \(uri.scrub(failure.message))")
            supervisor.requestCheck()
        } else if ServerErrorCodes.stateChange.contains(code) {
            let wire = topology.servers().first { $0.address == serverPool.address }?.maxWireVersion ?? 0
            if wire < 8 {
                serverPool.clear(reason: "server error \(code): \(uri.scrub(failure.message))")
            }
            supervisor.requestCheck()
        }
    }

    /// Records one operation's outcome in the pool's counters and latency histogram.
    func recordOperation(duration: Duration, failed: Bool) {
        operations.withLock { $0.record(duration, failed: failed) }
    }

    /// The latencies (ms) of the operations recorded since the previous call (since the pool
    /// was created for the first), for the metrics history: one consumer (the engine's
    /// sampler) takes them once per interval.
    public func takeIntervalLatencySketch() -> LatencySketch {
        operations.withLock { $0.takeIntervalSketch() }
    }
}

/// Server error codes that SDAM's error handling names.
enum ServerErrorCodes {
    /// "Node is shutting down": always clear the pool.
    static let shutdown: Set<Int> = [11600, 91]
    /// "Not writable primary" and "node is recovering": the server changed state.
    static let stateChange: Set<Int> = [10107, 13435, 13436, 189, 11602, 10058]
}
