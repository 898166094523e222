import PoolSQLCore

/// Health checks and the numbers the SQL tables show.
extension MongoPool {
    /// Runs one health check now on the calling thread and records it. A failed check clears the
    /// per-server pools (their connections are presumed dead, as a driver's monitor presumes);
    /// a successful one readies pools a clear had paused.
    @discardableResult
    func runHealthCheck() -> HealthStatus {
        let report = health.check(options: options, topology: topology)
        state.withLock { state in
            state.health = report
            state.hasHealthReport = true
        }
        if report.status == .unhealthy {
            clearAllServerPools(reason: "health check failed: \(report.error ?? "unknown error")")
        } else {
            readyServerPoolsAfterSuccessfulCheck()
        }
        return report.status
    }

    /// A snapshot of the counters, sizes and health, summed over the per-server pools.
    public func statistics() -> PoolStatistics {
        snapshot().statistics
    }

    /// Everything about the pool in one reading: each per-server pool is read under its own
    /// lock (its numbers add up), the topology from the monitor's latest view.
    public func snapshot() -> PoolSnapshot {
        let (options, pools, closed, health, hasHealth) = state.withLock { state in
            (state.options, Array(state.serverPools.values), state.closed, state.health, state.hasHealthReport)
        }
        let serverPools = pools.map { $0.snapshot(poolName: name) }.sorted { $0.address.description < $1.address.description }
        let operationStatistics = operations.withLock { $0.statistics }
        var statistics = PoolStatistics()
        var checkoutWaitMS = 0.0
        for pool in serverPools {
            statistics.totalConnections += pool.totalConnections
            statistics.activeConnections += pool.inUseConnections
            statistics.availableConnections += pool.availableConnections
            statistics.pendingConnections += pool.pendingConnections
            statistics.waitQueueLength += pool.waitQueueLength
            statistics.connectionsCreated += pool.connectionsCreated
            statistics.connectionsDestroyed += pool.connectionsClosed
            statistics.checkoutFailures += pool.checkoutFailures
            statistics.checkoutTimeouts += pool.checkoutTimeouts
            statistics.checkouts += pool.checkouts
            statistics.maxCheckoutWaitMS = max(statistics.maxCheckoutWaitMS, pool.maxCheckoutWaitMS)
            checkoutWaitMS += pool.totalCheckoutWaitMS
        }
        statistics.avgCheckoutWaitMS = statistics.checkouts == 0 ? 0 : checkoutWaitMS / Double(statistics.checkouts)
        statistics.operations = operationStatistics.operations
        statistics.errors = operationStatistics.errors
        statistics.avgOperationTimeMS = operationStatistics.avgOperationTimeMS
        statistics.errorRate = operationStatistics.errorRate
        statistics.p95OperationTimeMS = operationStatistics.p95OperationTimeMS
        statistics.p99OperationTimeMS = operationStatistics.p99OperationTimeMS
        statistics.healthStatus = health.status
        statistics.lastHealthCheck = hasHealth ? health.checkedAt : nil
        statistics.lastHealthLatencyMS = health.latencyMS
        statistics.lastHealthError = health.error

        let state: ConnectionPoolState
        if closed {
            state = .closed
        } else if serverPools.contains(where: { $0.state == .ready }) {
            state = .ready
        } else {
            state = .paused
        }
        return PoolSnapshot(
            name: name, statistics: statistics, state: state, generation: serverPools.map(\.generation).max() ?? 0,
            createdAt: createdAt, topologyType: topology.topologyType, servers: topology.servers(),
            serverPools: serverPools, options: options)
    }
}
