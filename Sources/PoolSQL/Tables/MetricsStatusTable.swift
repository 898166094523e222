import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore

/// `connection_pool_metrics_status`: one row about the metrics history — which store, how many
/// samples wait for it or were dropped, the last write and its error, the last maintenance, and
/// the store's sizes. Where to look when samples seem to be missing.
struct MetricsStatusTable: TableProvider {
    let history: MetricsHistory

    struct Source {
        var status: MetricsHistoryStatus
        var kind: String?
        var location: String?
        var statistics: MetricsStoreStatistics?
        var statisticsError: String?
        var interval: Duration
        /// The store's column cache (nil: the store has none).
        var columnCache: (rows: Int, bytes: Int64)?
    }

    static let columns: [VirtualColumn<Source>] = [
        .init("store_kind", .text, "sqlite | mongodb | memory", nullable: true) { $0.kind.sqlValue },
        .init("store_location", .text, "File path or URI (password redacted)", nullable: true) { $0.location.sqlValue },
        .init("sampling", .boolean, "Whether the background sampler runs") { .bool($0.status.sampling) },
        .init("sample_interval_ms", .bigint, "metrics_sample_interval") { .int(Int64(BackgroundLoop.milliseconds($0.interval))) },
        .init("queued_samples", .bigint, "Samples waiting to be written") { .int(Int64($0.status.queuedSamples)) },
        .init("dropped_samples", .bigint, "Samples dropped because the queue was full (never silently: also reported as events)") {
            .int(Int64($0.status.droppedSamples))
        },
        .init("written_samples", .bigint, "Samples this engine wrote to the store") { .int(Int64($0.status.writtenSamples)) },
        .init("last_sample_at", .timestamptz, "When the pools were last sampled", nullable: true) { $0.status.lastSampleAt.sqlValue },
        .init("last_write_at", .timestamptz, "When the last write succeeded", nullable: true) { $0.status.lastWriteAt.sqlValue },
        .init("last_write_error", .text, "Why writes fail now; NULL while they succeed", nullable: true) { $0.status.lastWriteError.sqlValue },
        .init("failing_since", .timestamptz, "Start of the current run of failed writes", nullable: true) { $0.status.failingSince.sqlValue },
        .init("last_maintenance_at", .timestamptz, "When rollups and retention last ran", nullable: true) { $0.status.lastMaintenanceAt.sqlValue },
        .init("last_maintenance_error", .text, "Why the last maintenance failed", nullable: true) { $0.status.lastMaintenanceError.sqlValue },
        .init("raw_samples", .bigint, "Rows in connection_pool_metrics", nullable: true) { $0.statistics.map { .int(Int64($0.rawSamples)) } ?? .null },
        .init("hourly_rollups", .bigint, "Rows in connection_pool_metrics_hourly", nullable: true) { $0.statistics.map { .int(Int64($0.hourlyRollups)) } ?? .null },
        .init("daily_rollups", .bigint, "Rows in connection_pool_metrics_daily", nullable: true) { $0.statistics.map { .int(Int64($0.dailyRollups)) } ?? .null },
        .init("size_bytes", .bigint, "Bytes the store takes (0 in memory)", nullable: true) { $0.statistics.map { .int($0.sizeBytes) } ?? .null },
        .init("oldest_sample", .timestamptz, "Oldest raw sample", nullable: true) { ($0.statistics?.oldestSample).sqlValue },
        .init("newest_sample", .timestamptz, "Newest raw sample", nullable: true) { ($0.statistics?.newestSample).sqlValue },
        .init("column_cache_rows", .bigint, "Samples whose columns are held in memory for analytic queries (metrics_cache_size); NULL: the store has no column cache", nullable: true) {
            $0.columnCache.map { .int(Int64($0.rows)) } ?? .null
        },
        .init("column_cache_bytes", .bigint, "Memory those columns take", nullable: true) { $0.columnCache.map { .int($0.bytes) } ?? .null },
        .init("store_error", .text, "Why the store's sizes could not be read", nullable: true) { $0.statisticsError.sqlValue },
    ]

    let schema = TableSchema(columns: MetricsStatusTable.columns.map(\.definition))

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let store = history.store
        var source = Source(status: history.status, kind: store?.kind, location: store?.location, interval: history.settings.metricsSampleInterval)
        if let store {
            do { source.statistics = try store.statistics() } catch { source.statisticsError = error.message }
            source.columnCache = (store as? any ColumnarMetricsStore)?.columnCacheSize()
        }
        return [MetricsStatusTable.columns.row(for: source, projection: request.projection)]
    }
}
