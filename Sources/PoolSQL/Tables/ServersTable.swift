import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPool

/// `mongodb_servers`: one row per server each live pool knows (SDAM's view), with the counts of
/// that server's connection pool, from one `MongoPool.snapshot()` per pool per scan. A server
/// without a connection pool (not data-bearing, or not yet ready) has NULL counts; a connection
/// pool whose server has left the topology (still draining) is listed with a NULL server_type.
struct ServersTable: TableProvider {
    let pools: PoolRegistry

    struct Entry: Sendable {
        var poolName: String
        var address: ServerAddress
        var server: ServerSnapshot?
        var serverPool: ConnectionPoolSnapshot?
    }

    static let columns: [VirtualColumn<Entry>] = [
        .init("pool_name", .text, "The PoolSQL pool") { .text($0.poolName) },
        .init("server_address", .text, "host:port") { .text($0.address.description) },
        .init("server_type", .text, "RSPrimary | RSSecondary | RSArbiter | RSOther | RSGhost | Standalone | Mongos | LoadBalancer | PossiblePrimary | Unknown", nullable: true) {
            ($0.server?.serverType).sqlValue
        },
        .init("round_trip_time_ms", .doublePrecision, "Average heartbeat round trip, ms", nullable: true) { ($0.server?.roundTripTimeMS).sqlValue },
        .init("last_heartbeat", .timestamptz, "When the last heartbeat finished", nullable: true) { ($0.server?.lastHeartbeat).sqlValue },
        .init("last_error", .text, "The last monitoring error; NULL after a success", nullable: true) { ($0.server?.lastError).sqlValue },
        .init("set_name", .text, "Replica set name", nullable: true) { ($0.server?.setName).sqlValue },
        .init("max_wire_version", .integer, "Highest wire protocol version the server speaks", nullable: true) { ($0.server?.maxWireVersion).sqlValue },
        .init("pool_state", .text, "ready | paused | closed: this server's connection pool; NULL without one", nullable: true) {
            ($0.serverPool?.state.rawValue).sqlValue
        },
        .init("total_connections", .integer, "In use + idle + being opened", nullable: true) { ($0.serverPool?.totalConnections).sqlValue },
        .init("available_connections", .integer, "Idle connections", nullable: true) { ($0.serverPool?.availableConnections).sqlValue },
        .init("in_use_connections", .integer, "Checked-out connections", nullable: true) { ($0.serverPool?.inUseConnections).sqlValue },
        .init("pending_connections", .integer, "Connections being opened", nullable: true) { ($0.serverPool?.pendingConnections).sqlValue },
        .init("wait_queue_length", .integer, "Checkouts waiting for this server's pool", nullable: true) { ($0.serverPool?.waitQueueLength).sqlValue },
        .init("pool_generation", .bigint, "This server's pool generation (bumped by each clear)", nullable: true) { ($0.serverPool?.generation).sqlValue },
    ]

    private let scanner = PoolRowScan(columns: ServersTable.columns, poolNameColumn: 0)

    let schema = TableSchema(columns: ServersTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { scanner.supportsFilter(filter) }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        scanner.rows(request, pools: pools.snapshot()) { managed in
            guard let snapshot = managed.pool?.snapshot() else { return [] }
            let name = managed.configuration.name
            var serverPools = Dictionary(snapshot.serverPools.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
            var entries = snapshot.servers.map { server in
                Entry(poolName: name, address: server.address, server: server, serverPool: serverPools.removeValue(forKey: server.address))
            }
            for serverPool in snapshot.serverPools where serverPools[serverPool.address] != nil {
                entries.append(Entry(poolName: name, address: serverPool.address, server: nil, serverPool: serverPool))
                serverPools[serverPool.address] = nil
            }
            return entries
        }
    }
}
