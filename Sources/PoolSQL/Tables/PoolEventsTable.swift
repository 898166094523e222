import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPool

/// `connection_pool_events`: the CMAP and SDAM events each pool keeps in its buffer (the last
/// `connection_pool_event_buffer_size`), oldest first across all pools. A disabled pool keeps
/// showing the events of its last run until it is enabled again.
///
/// Every filter is applied here; `pool_name` filters before a pool's buffer is read, and
/// `event_type = '…'` before a row is built.
struct PoolEventsTable: TableProvider {
    let pools: PoolRegistry

    static let columns: [VirtualColumn<PoolEvent>] = [
        .init("event_time", .timestamptz, "When it happened") { .timestamp($0.time) },
        .init("pool_name", .text, "The PoolSQL pool") { .text($0.poolName) },
        .init("event_type", .text, "pool_created, pool_ready, pool_cleared, pool_closed, connection_created, connection_ready, connection_closed, connection_check_out_started, connection_check_out_failed, connection_checked_out, connection_checked_in, server_opening, server_closed, server_description_changed, topology_description_changed, server_heartbeat_succeeded, server_heartbeat_failed") {
            .text($0.type.rawValue)
        },
        .init("server_address", .text, "host:port; NULL for topology-wide events", nullable: true) { ($0.serverAddress?.description).sqlValue },
        .init("connection_id", .bigint, "The pool's connection id, for connection events", nullable: true) { $0.connectionID.sqlValue },
        .init("reason", .text, "Why a connection closed (stale, idle, error, poolClosed) or a checkout failed (timeout, connectionError, poolClosed)", nullable: true) {
            ($0.reason?.rawValue).sqlValue
        },
        .init("duration_ms", .doublePrecision, "Time to open (connection_ready), to check out (checked_out, check_out_failed), heartbeat round trip", nullable: true) {
            $0.durationMS.sqlValue
        },
        .init("detail", .text, "Error message, old → new server type, options, …", nullable: true) { $0.detail.sqlValue },
        .init("interrupt_in_use_connections", .boolean, "For pool_cleared: whether in-use connections were interrupted", nullable: true) { event in
            event.interruptInUseConnections.map(Value.bool) ?? .null
        },
    ]

    private let scanner = PoolRowScan(columns: PoolEventsTable.columns, poolNameColumn: 1)

    let schema = TableSchema(columns: PoolEventsTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { scanner.supportsFilter(filter) }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        scanner.rows(request, pools: pools.snapshot(), sources: { managed in
            guard let log = managed.events else { return [] }
            // A pool's events carry its current name, whatever the emitter wrote.
            let name = managed.configuration.name
            return log.events().map { event in
                var event = event
                event.poolName = name
                return event
            }
        }, orderedBy: { $0.time < $1.time })
    }
}
