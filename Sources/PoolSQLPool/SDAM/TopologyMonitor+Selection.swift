import CMongoC
import Foundation
import PoolSQLCore

/// Server selection through the monitoring pool.
extension TopologyMonitor {
    /// Picks a server for one operation with libmongoc's server selection (latency window, read
    /// preference tags and staleness from the URI when its mode matches), blocking until one is
    /// suitable. `mongoc_client_select_server` on a popped client reads the monitored topology
    /// and opens no application connection.
    ///
    /// libmongoc's own wait is bounded by the `serverSelectionTimeoutMS` the monitoring pool was
    /// created with, so a shorter `timeoutMS` is honoured by waiting for a suitable server in the
    /// monitor's view of the topology first and calling libmongoc only once there is one.
    ///
    /// Failure is a 08001 error naming the topology type and every server with its type and last
    /// heartbeat error (no credentials).
    /// The server SDAM's rules leave as the only candidate right now (a Single topology's
    /// data-bearing server, a replica set's primary for writes and primary reads), without
    /// asking libmongoc or waiting; nil when there is none or libmongoc must choose.
    public func soleCandidate(forWrites: Bool, readPreference: String = "primary") -> ServerAddress? {
        guard let mode = PoolOptions.canonicalReadPreference(readPreference) else { return nil }
        return tracker.directSelection(forWrites: forWrites, mode: mode)
    }

    public func selectServer(forWrites: Bool, readPreference: String = "primary", timeoutMS: Int) throws -> ServerAddress {
        guard let mode = PoolOptions.canonicalReadPreference(readPreference) else {
            throw PoolSQLError(.invalidParameterValue,
                               "readPreference must be one of \(PoolOptions.readPreferenceModes.joined(separator: ", ")) (got \"\(readPreference)\")")
        }
        // Where neither a latency window nor tags can matter, SDAM's answer is already known.
        if let address = tracker.directSelection(forWrites: forWrites, mode: mode) {
            _ = try currentClientPool()  // a closed monitor selects nothing
            return address
        }
        let deadline = ContinuousClock.now + .milliseconds(max(0, timeoutMS))
        let purpose = forWrites ? "writes" : "reads with read preference \(mode)"
        while true {
            var clientPool = try currentClientPool()
            while !tracker.hasSuitableServer(forWrites: forWrites, mode: mode) {
                if ContinuousClock.now >= deadline {
                    throw selectionFailure(purpose: purpose, timeoutMS: timeoutMS, driverMessage: nil)
                }
                Thread.sleep(forTimeInterval: 0.005)
                // Notices close() (and a pool replaced by update) while waiting.
                clientPool = try currentClientPool()
            }
            let outcome = try clientPool.withClient { client in
                Self.select(client: client, forWrites: forWrites, mode: mode)
            }
            switch outcome {
            case .selected(let address)?:
                return address
            case .failed(let error)?:
                throw selectionFailure(purpose: purpose, timeoutMS: timeoutMS, driverMessage: uri.scrub(error.message))
            case nil:
                // update(options:) closed this pool in the meantime: select through the new one
                // (or report the monitor closed).
                continue
            }
        }
    }

    /// The monitoring pool in use; throws when the monitor is closed or not started.
    private func currentClientPool() throws -> MonitorClientPool {
        try lifecycle.withLock { state -> MonitorClientPool in
            if state.closed { throw PoolSQLError.poolClosed(poolName) }
            guard let clientPool = state.clientPool else {
                throw PoolSQLError(.objectNotInPrerequisiteState, "the topology monitor of pool \"\(poolName)\" is not started")
            }
            return clientPool
        }
    }

    private enum SelectionOutcome {
        case selected(ServerAddress)
        case failed(DriverError)
    }

    private static func select(client: OpaquePointer, forWrites: Bool, mode: String) -> SelectionOutcome {
        var error = bson_error_t()
        let description: OpaquePointer?
        if forWrites {
            // libmongoc requires NULL read preferences for a write selection.
            description = mongoc_client_select_server(client, true, nil, &error)
        } else {
            let wanted = readMode(mode)
            // The URI's read preference keeps its tags and maxStalenessSeconds when the mode matches.
            if let configured = mongoc_client_get_read_prefs(client), mongoc_read_prefs_get_mode(configured) == wanted {
                description = mongoc_client_select_server(client, false, configured, &error)
            } else {
                let prefs = mongoc_read_prefs_new(wanted)
                defer { mongoc_read_prefs_destroy(prefs) }
                description = mongoc_client_select_server(client, false, prefs, &error)
            }
        }
        guard let description else { return .failed(DriverError(error)) }
        defer { mongoc_server_description_destroy(description) }
        return .selected(APMCopy.address(UnsafePointer(mongoc_server_description_host(description))))
    }

    private static func readMode(_ mode: String) -> mongoc_read_mode_t {
        switch mode {
        case "primaryPreferred": return MONGOC_READ_PRIMARY_PREFERRED
        case "secondary": return MONGOC_READ_SECONDARY
        case "secondaryPreferred": return MONGOC_READ_SECONDARY_PREFERRED
        case "nearest": return MONGOC_READ_NEAREST
        default: return MONGOC_READ_PRIMARY
        }
    }

    private func selectionFailure(purpose: String, timeoutMS: Int, driverMessage: String?) -> PoolSQLError {
        let servers = servers()
        let listing = servers.isEmpty ? "no servers known"
            : servers.map { server in
                "\(server.address) \(server.serverType)" + (server.lastError.map { " (\($0))" } ?? "")
            }.joined(separator: ", ")
        var message = "pool \"\(poolName)\": no server suitable for \(purpose) within \(timeoutMS) ms"
        if let driverMessage { message += ": \(driverMessage)" }
        return PoolSQLError(.sqlClientUnableToEstablishConnection, message,
                            detail: "topology \(topologyType); \(listing)",
                            hint: "check that the servers in \(uri.redacted) are running and reachable")
    }
}

extension TopologyTracker {
    /// Server selection without asking libmongoc, for the cases where SDAM's rules leave only
    /// one candidate: a Single topology's data-bearing server, or a replica set's primary for
    /// writes and primary reads. nil when libmongoc must choose (latency window, tags, other
    /// modes) or no server is suitable yet. Operations take this path, so it keeps the
    /// per-operation cost down to one lock.
    func directSelection(forWrites: Bool, mode: String) -> ServerAddress? {
        withState { topologyType, servers in
            switch topologyType {
            case "Single":
                guard servers.count == 1, let server = servers.values.first,
                      ["Standalone", "Mongos", "LoadBalancer", "RSPrimary", "RSSecondary"].contains(server.serverType)
                else { return nil }
                return server.address
            case "ReplicaSetWithPrimary":
                guard forWrites || mode == "primary" else { return nil }
                var primary: ServerAddress?
                for server in servers.values where server.serverType == "RSPrimary" {
                    if primary != nil { return nil }
                    primary = server.address
                }
                return primary
            default:
                return nil
            }
        }
    }

    /// Whether the monitor's view of the topology has a server that SDAM's selection rules would
    /// accept for this operation (ignoring tags and latency, which libmongoc then applies).
    func hasSuitableServer(forWrites: Bool, mode: String) -> Bool {
        let (type, types) = serverTypes
        switch type {
        case "Single", "Sharded", "LoadBalanced":
            return !types.isDisjoint(with: ["Standalone", "Mongos", "LoadBalancer", "RSPrimary", "RSSecondary"])
        case "ReplicaSetWithPrimary", "ReplicaSetNoPrimary":
            if forWrites || mode == "primary" { return types.contains("RSPrimary") }
            if mode == "secondary" { return types.contains("RSSecondary") }
            return types.contains("RSPrimary") || types.contains("RSSecondary")
        default:
            return false
        }
    }
}
