import Dispatch
import PoolSQLCore

/// What a waiting checkout is given when its turn comes.
enum CheckoutGrant: Sendable {
    /// An idle connection, already counted as in use.
    case connection(PooledClient)
    /// A reserved slot (counted in total and pending): the waiter opens the connection itself.
    case openNew(generation: Int)
    /// The pool was closed while it waited.
    case closed
}

/// A checkout in the FIFO wait queue. It sleeps on its own semaphore, so a grant wakes exactly
/// the waiter it is meant for, in arrival order.
struct Waiter: Sendable {
    let id: Int
    let wakeUp: DispatchSemaphore
}

/// Everything about a pool that changes, guarded by one lock (`PoolCore.state`). Methods here
/// never block and never call libmongoc; connections to close are handed back to the caller,
/// who closes them after releasing the lock.
struct PoolState: Sendable {
    var options: PoolOptions
    var closed = false
    /// Bumped by a pool clear; connections from older generations are closed, not reused.
    var generation = 0

    /// Idle connections with the time they were returned, oldest first; checkouts take the most
    /// recently used one (from the end), so rarely needed ones age out through `maxIdleTimeMS`.
    var available: [(client: PooledClient, idleSince: ContinuousClock.Instant)] = []
    /// In use + idle + being opened.
    var total = 0
    var pending = 0
    var inUse = 0
    var waiters: [Waiter] = []
    /// Grants made to waiters that have not picked them up yet.
    var grants: [Int: CheckoutGrant] = [:]
    var nextWaiterID = 0
    var nextConnectionID = 1

    var connectionsCreated = 0
    var connectionsDestroyed = 0
    var checkoutFailures = 0
    var operations = 0
    var errors = 0
    var totalOperationTime: Duration = .zero

    var health = HealthReport(status: .initializing, checkedAt: Timestamp(microseconds: 0), latencyMS: nil, error: nil)
    var hasHealthReport = false

    init(options: PoolOptions) {
        self.options = options
    }

    /// Room for one more connection under `maxPoolSize` (0 = unlimited).
    var belowMaximum: Bool { options.maxPoolSize == 0 || total < options.maxPoolSize }

    /// Can a new connection start opening now (size limit and `maxConnecting`)?
    var canStartOpening: Bool { belowMaximum && pending < options.maxConnecting }

    /// Serves the wait queue in order for as long as there is something to give: an idle
    /// connection first, otherwise a slot to open a new one.
    mutating func serveWaiters() {
        while let head = waiters.first {
            let grant: CheckoutGrant
            if let idle = available.popLast() {
                inUse += 1
                grant = .connection(idle.client)
            } else if canStartOpening {
                total += 1
                pending += 1
                grant = .openNew(generation: generation)
            } else {
                return
            }
            waiters.removeFirst()
            grants[head.id] = grant
            head.wakeUp.signal()
        }
    }

    /// Removes idle connections beyond `maxPoolSize` (after it was lowered) and returns them.
    mutating func takeExcessIdle() -> [PooledClient] {
        guard options.maxPoolSize > 0 else { return [] }
        var excess: [PooledClient] = []
        while total > options.maxPoolSize, !available.isEmpty {
            excess.append(available.removeFirst().client)
            total -= 1
            connectionsDestroyed += 1
        }
        return excess
    }

    /// Removes idle connections that exceeded `maxIdleTimeMS` and returns them.
    mutating func takeExpiredIdle(now: ContinuousClock.Instant) -> [PooledClient] {
        guard options.maxIdleTimeMS > 0 else { return [] }
        let limit = Duration.milliseconds(options.maxIdleTimeMS)
        var expired: [PooledClient] = []
        available.removeAll { entry in
            guard now - entry.idleSince >= limit else { return false }
            expired.append(entry.client)
            return true
        }
        total -= expired.count
        connectionsDestroyed += expired.count
        return expired
    }

    /// Removes every idle connection (pool clear or close) and returns them.
    mutating func takeAllIdle() -> [PooledClient] {
        let idle = available.map(\.client)
        available.removeAll()
        total -= idle.count
        connectionsDestroyed += idle.count
        return idle
    }

    var statistics: PoolStatistics {
        let milliseconds = Double(totalOperationTime.components.seconds) * 1_000
            + Double(totalOperationTime.components.attoseconds) / 1e15
        return PoolStatistics(
            totalConnections: total, activeConnections: inUse, availableConnections: available.count,
            pendingConnections: pending, waitQueueLength: waiters.count, connectionsCreated: connectionsCreated,
            connectionsDestroyed: connectionsDestroyed, checkoutFailures: checkoutFailures, operations: operations,
            errors: errors, avgOperationTimeMS: operations == 0 ? 0 : milliseconds / Double(operations),
            errorRate: operations == 0 ? 0 : Double(errors) / Double(operations), healthStatus: health.status,
            lastHealthCheck: hasHealthReport ? health.checkedAt : nil, lastHealthLatencyMS: health.latencyMS,
            lastHealthError: health.error)
    }
}
