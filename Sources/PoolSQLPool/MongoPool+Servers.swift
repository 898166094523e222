import PoolSQLCore

/// The SDAM side: per-server CMAP pools follow what the topology monitor sees.
extension MongoPool {
    /// Server types a pool sends operations to (SDAM's data-bearing types).
    static func isDataBearing(_ serverType: String) -> Bool {
        ["RSPrimary", "RSSecondary", "Standalone", "Mongos", "LoadBalancer"].contains(serverType)
    }

    /// The CMAP pool for `address`, created (paused, as CMAP requires) on first use; nil once
    /// the pool is closed.
    func serverPool(for address: ServerAddress) -> ConnectionPool? {
        state.withLock { state -> ConnectionPool? in
            if state.closed { return nil }
            if let existing = state.serverPools[address] { return existing }
            let pool = ConnectionPool(poolName: name, address: address, options: state.options, factory: factory, events: events)
            state.serverPools[address] = pool
            return pool
        }
    }

    func existingServerPool(for address: ServerAddress) -> ConnectionPool? {
        state.withLock { $0.serverPools[address] }
    }

    /// Called on the monitor's dispatcher thread, in the order libmongoc reported the changes.
    func topologyChanged(_ change: TopologyChange) {
        defer { refreshRoute() }
        switch change {
        case let .serverAdded(address):
            _ = serverPool(for: address)
        case let .serverRemoved(address):
            let removed = state.withLock { $0.serverPools.removeValue(forKey: address) }
            removed?.close()
        case let .serverTypeChanged(address, old, new):
            guard let pool = serverPool(for: address) else { return }
            if MongoPool.isDataBearing(new) {
                // A primary that stepped down: its connections were opened to a writable
                // primary; start over with a new generation (in-flight operations fail with
                // "not primary" anyway).
                if old == "RSPrimary", new != "RSPrimary" { pool.clear(reason: "server stepped down: \(old) → \(new)") }
                pool.ready()
            } else {
                pool.clear(reason: "server is \(new) (was \(old))")
            }
        case let .heartbeatSucceeded(address, _):
            // CMAP: a paused pool becomes ready after the next successful check of its server.
            if let pool = existingServerPool(for: address), pool.state == .paused,
               let server = topology.servers().first(where: { $0.address == address }), MongoPool.isDataBearing(server.serverType) {
                pool.ready()
            }
        case let .heartbeatFailed(address, error):
            existingServerPool(for: address)?.clear(reason: "heartbeat failed: \(error)")
        case .topologyTypeChanged:
            break
        }
    }

    /// After a successful health check of the pool's own: pools of data-bearing servers that a
    /// clear paused are ready again (the check is SDAM's "immediate check" after an error).
    func readyServerPoolsAfterSuccessfulCheck() {
        let servers = topology.servers()
        let pools = state.withLock { $0.serverPools }
        for server in servers where MongoPool.isDataBearing(server.serverType) {
            if let pool = pools[server.address], pool.state == .paused { pool.ready() }
        }
    }

    /// Clears every per-server pool (a failed health check: the server cannot be reached).
    func clearAllServerPools(reason: String) {
        let pools = state.withLock { Array($0.serverPools.values) }
        for pool in pools { pool.clear(reason: reason) }
    }

    /// Recomputes the hot-path route (see `ConnectionPoolRoute`).
    func refreshRoute() {
        let address = topology.soleCandidate(forWrites: false, readPreference: options.readPreference)
        let pool = address.flatMap { serverPool(for: $0) }
        state.withLock { state in route.set(state.closed ? nil : pool) }
    }
}
