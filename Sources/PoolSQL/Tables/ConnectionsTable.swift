import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPool

/// `mongodb_connections`: one row per connection of every live pool (being opened, idle or in
/// use), from one `MongoPool.snapshot()` per pool per scan. Disabled pools have none.
struct ConnectionsTable: TableProvider {
    let pools: PoolRegistry

    /// One connection, with the pool's name and the moment of the scan (for the ages).
    struct Entry: Sendable {
        var poolName: String
        var connection: ConnectionSnapshot
        var now: Timestamp
    }

    static let columns: [VirtualColumn<Entry>] = [
        .init("pool_name", .text, "The PoolSQL pool") { .text($0.poolName) },
        .init("connection_id", .bigint, "The pool's id for the connection (increasing from 1 per server pool)") { .int(Int64($0.connection.connectionID)) },
        .init("server_address", .text, "host:port of the server") { .text($0.connection.serverAddress.description) },
        .init("state", .text, "connecting | idle | in_use") { .text($0.connection.state.rawValue) },
        .init("generation", .bigint, "Pool generation it was opened in; older than the pool's means it closes when seen") { .int(Int64($0.connection.generation)) },
        .init("created_at", .timestamptz, "When the pool started opening it") { .timestamp($0.connection.createdAt) },
        .init("last_checked_out_at", .timestamptz, "Last checkout; NULL if never checked out", nullable: true) { $0.connection.lastCheckedOutAt.sqlValue },
        .init("last_checked_in_at", .timestamptz, "Last check-in; NULL if never checked in", nullable: true) { $0.connection.lastCheckedInAt.sqlValue },
        .init("checkout_count", .bigint, "How often it was checked out") { .int(Int64($0.connection.checkoutCount)) },
        .init("age_seconds", .doublePrecision, "Seconds since created_at") { entry in
            .double(max(0, entry.connection.createdAt.seconds(until: entry.now)))
        },
        .init("idle_seconds", .doublePrecision, "Seconds since it became idle; NULL unless state is idle", nullable: true) { entry in
            guard entry.connection.state == .idle else { return .null }
            let since = entry.connection.lastCheckedInAt ?? entry.connection.createdAt
            return .double(max(0, since.seconds(until: entry.now)))
        },
        .init("server_connection_id", .bigint, "The server's id for it (currentOp's connectionId); NULL when unknown", nullable: true) {
            $0.connection.serverConnectionID.sqlValue
        },
    ]

    private let scanner = PoolRowScan(columns: ConnectionsTable.columns, poolNameColumn: 0)

    let schema = TableSchema(columns: ConnectionsTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { scanner.supportsFilter(filter) }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let now = Timestamp.now()
        return scanner.rows(request, pools: pools.snapshot()) { managed in
            guard let snapshot = managed.pool?.snapshot() else { return [] }
            return snapshot.connections
                .sorted { ($0.serverAddress.description, $0.connectionID) < ($1.serverAddress.description, $1.connectionID) }
                .map { Entry(poolName: managed.configuration.name, connection: $0, now: now) }
        }
    }
}
