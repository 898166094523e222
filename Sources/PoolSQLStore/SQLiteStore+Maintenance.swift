import Foundation
import PoolSQLCore

/// Rollups, retention and the size limit, with the same semantics as `MemoryStore.maintain`.
extension SQLiteStore {
    /// At most this many batches are deleted per call to bring the file under
    /// `maxSizeBytes`; past that `moreToDelete` asks the caller to come back.
    static let sizeBatchesPerCall = 64

    @discardableResult
    public func maintain(now: Timestamp, policy: RetentionPolicy) throws(PoolSQLError) -> MaintenanceReport {
        try withConnection { (connection, s) throws(PoolSQLError) -> MaintenanceReport in
            var report = MaintenanceReport()
            let through = try buildRollups(connection, now: now, previous: s.rolledUpThrough, report: &report)
            s.rolledUpThrough = through
            try applyRetention(connection, now: now, policy: policy, report: &report)
            if let limit = policy.maxSizeBytes {
                try enforceSize(connection, limit: limit, batch: max(policy.deleteBatchSize, 1), report: &report)
            }
            return report
        }
    }

    public func statistics() throws(PoolSQLError) -> MetricsStoreStatistics {
        try withReader { (connection) throws(PoolSQLError) -> MetricsStoreStatistics in
            let count = { (table: String) throws(PoolSQLError) -> Int in
                Int(try connection.scalarInt("SELECT count(*) FROM \(table)") ?? 0)
            }
            let oldest = try connection.scalarInt("SELECT min(metric_timestamp) FROM connection_pool_metrics")
            let newest = try connection.scalarInt("SELECT max(metric_timestamp) FROM connection_pool_metrics")
            return MetricsStoreStatistics(
                rawSamples: try count("connection_pool_metrics"),
                hourlyRollups: try count("connection_pool_metrics_hourly"),
                dailyRollups: try count("connection_pool_metrics_daily"),
                sizeBytes: try sizeOnDisk(connection),
                oldestSample: oldest.map { Timestamp(microseconds: $0, kind: .timestamptz) },
                newestSample: newest.map { Timestamp(microseconds: $0, kind: .timestamptz) })
        }
    }

    // MARK: Rollups

    /// Rolls up the hours that ended by `now` and are not rolled up yet, plus the dirty ones
    /// (late imports), and rebuilds the ended days they touch from their hours. One
    /// transaction; returns the new watermark (stored with it).
    private func buildRollups(_ connection: SQLiteConnection, now: Timestamp, previous: Int64?,
                              report: inout MaintenanceReport) throws(PoolSQLError) -> Int64 {
        let hour = RollupGranularity.hourly.bucketLength
        let day = RollupGranularity.daily.bucketLength
        let lastComplete = RollupGranularity.hourly.bucketStart(of: now).microseconds - hour
        let lastCompleteDay = RollupGranularity.daily.bucketStart(of: now).microseconds - day
        let through = max(previous ?? lastComplete, lastComplete)
        try connection.transaction { () throws(PoolSQLError) in
            var due: Set<Int64> = []
            let dirty = try connection.prepare("SELECT hour_start FROM rollup_dirty_hours")
            while try dirty.step() { due.insert(dirty.int64(0)) }
            dirty.reset()
            // Ended hours after the watermark that have raw rows: [previous + 1 h, lastComplete + 1 h).
            let lower = previous.map { $0 + hour }
            if lower.map({ $0 <= lastComplete }) ?? true {
                let floorHour = "metric_timestamp - (((metric_timestamp % \(hour)) + \(hour)) % \(hour))"
                let sql = "SELECT DISTINCT \(floorHour) FROM connection_pool_metrics WHERE metric_timestamp < ?"
                    + (lower == nil ? "" : " AND metric_timestamp >= ?")
                let hours = try connection.prepare(sql)
                hours.bind(lastComplete + hour)
                if let lower { hours.bind(lower) }
                while try hours.step() { due.insert(hours.int64(0)) }
                hours.reset()
            }
            if !due.isEmpty {
                let hourly = SQLiteStore.rollupTable(.hourly)
                for start in due.sorted() {
                    let raw = try readSamples(connection, MetricsQuery(from: Timestamp(microseconds: start), to: Timestamp(microseconds: start + hour)))
                    let fresh = MetricsRollup.build(from: raw, granularity: .hourly)
                    try replaceRollups(connection, table: hourly, bucketStart: start, with: fresh)
                    report.hourlyRollupsWritten += fresh.count
                }
                let days = Set(due.map { RollupGranularity.daily.bucketStart(of: Timestamp(microseconds: $0)).microseconds })
                    .filter { $0 <= lastCompleteDay }
                for start in days.sorted() {
                    let hours = try SQLiteStore.readRollups(connection, .hourly,
                                                            MetricsQuery(from: Timestamp(microseconds: start), to: Timestamp(microseconds: start + day)))
                    let fresh = MetricsRollup.merge(hours, into: .daily)
                    try replaceRollups(connection, table: SQLiteStore.rollupTable(.daily), bucketStart: start, with: fresh)
                    report.dailyRollupsWritten += fresh.count
                }
                try connection.exec("DELETE FROM rollup_dirty_hours")
            }
            if previous != through {
                let store = try connection.prepare("INSERT INTO store_state (name, value) VALUES ('rolled_up_through', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                store.bind(through)
                try store.run()
            }
        }
        return through
    }

    private func readSamples(_ connection: SQLiteConnection, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample] {
        let (sql, binds) = SQLiteStore.samplesSQL(query)
        let statement = try connection.prepare(sql)
        defer { statement.reset() }
        SQLiteStore.bind(binds, to: statement)
        var rows: [MetricsSample] = []
        while try statement.step() { rows.append(try SQLiteStore.decodeSample(statement)) }
        return rows
    }

    private func replaceRollups(_ connection: SQLiteConnection, table: String, bucketStart: Int64,
                                with rollups: [MetricsRollup]) throws(PoolSQLError) {
        let delete = try connection.prepare("DELETE FROM \(table) WHERE bucket_start = ?")
        delete.bind(bucketStart)
        try delete.run()
        let insert = try connection.prepare("INSERT INTO \(table) (\(SQLiteStore.rollupColumns)) VALUES (\(SQLiteStore.placeholders(23)))")
        for rollup in rollups {
            insert.reset()
            SQLiteStore.bind(rollup, to: insert)
            try insert.run()
        }
    }

    // MARK: Retention

    /// One batch (at most `deleteBatchSize` rows, its own short transaction) per table of
    /// rows past their retention; `moreToDelete` when expired rows remain.
    private func applyRetention(_ connection: SQLiteConnection, now: Timestamp, policy: RetentionPolicy,
                                report: inout MaintenanceReport) throws(PoolSQLError) {
        let batch = max(policy.deleteBatchSize, 1)
        let rawCutoff = Self.subtractClamped(now.microseconds, policy.rawRetentionMicroseconds)
        let rollupCutoff = Self.subtractClamped(now.microseconds, policy.rollupRetentionMicroseconds)
        for (table, column, cutoff) in [("connection_pool_metrics", "metric_timestamp", rawCutoff),
                                        (SQLiteStore.rollupTable(.hourly), "bucket_start", rollupCutoff),
                                        (SQLiteStore.rollupTable(.daily), "bucket_start", rollupCutoff)] {
            let deleted: Int
            if table == "connection_pool_metrics" {
                deleted = try Self.deleteSamples(connection, selecting: "SELECT rowid FROM connection_pool_metrics WHERE metric_timestamp < ? LIMIT ?",
                                                 [.integer(cutoff), .integer(Int64(batch))])
            } else {
                let delete = try connection.prepare(
                    "DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE \(column) < ? LIMIT ?)")
                delete.bind(cutoff)
                delete.bind(Int64(batch))
                try delete.run()
                deleted = connection.changes
            }
            if table == "connection_pool_metrics" { report.rawRowsDeleted += deleted } else { report.rollupRowsDeleted += deleted }
            if deleted == batch {
                let remaining = try connection.prepare("SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(column) < ?)")
                remaining.bind(cutoff)
                if try remaining.step(), remaining.int64(0) != 0 { report.moreToDelete = true }
                remaining.reset()
            }
        }
    }

    /// Deletes the samples whose rowids `select` (one column, with `binds`) returns, in one
    /// transaction; the delete trigger logs their rowids for column caches (migration 2). The
    /// log then keeps its newest `deletionLogRows` entries: a cache that has not caught up with
    /// the trimmed ones reloads. Returns the count.
    static func deleteSamples(_ connection: SQLiteConnection, selecting select: String, _ binds: [Parameter],
                              logLimit: Int64 = deletionLogRows) throws(PoolSQLError) -> Int {
        try connection.transaction { () throws(PoolSQLError) -> Int in
            let delete = try connection.prepare("DELETE FROM connection_pool_metrics WHERE rowid IN (\(select))")
            bind(binds, to: delete)
            try delete.run()
            let count = connection.changes
            guard count > 0 else { return 0 }
            let newest = try connection.scalarInt("SELECT max(id) FROM connection_pool_metrics_deletions") ?? 0
            let trimmedThrough = newest - logLimit
            if trimmedThrough > (try connection.scalarInt("SELECT value FROM store_state WHERE name = 'sample_deletions_trimmed_through'") ?? 0) {
                let trim = try connection.prepare("DELETE FROM connection_pool_metrics_deletions WHERE id <= ?")
                trim.bind(trimmedThrough)
                try trim.run()
                try setState(connection, "sample_deletions_trimmed_through", trimmedThrough)
            }
            return count
        }
    }

    /// Deleted rowids the log keeps (about a day and a half of retention for 20 pools sampled
    /// every 10 s; ~16 bytes each).
    static let deletionLogRows: Int64 = 250_000

    static func setState(_ connection: SQLiteConnection, _ name: String, _ value: Int64) throws(PoolSQLError) {
        let store = try connection.prepare("INSERT INTO store_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        store.bind(name)
        store.bind(value)
        try store.run()
    }

    static func subtractClamped(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? .min : .max) : result
    }

    // MARK: Size limit

    /// While the live data (pages in use plus the WAL) exceeds `limit`: deletes the oldest raw
    /// samples a batch at a time, then the oldest hourly and daily rollups; then gives the
    /// freed pages back (incremental vacuum) and truncates the WAL, so the file itself shrinks.
    private func enforceSize(_ connection: SQLiteConnection, limit: Int64, batch: Int,
                             report: inout MaintenanceReport) throws(PoolSQLError) {
        try reclaim(connection)
        var batches = 0
        while try liveSize(connection) > limit {
            if batches == Self.sizeBatchesPerCall {
                report.moreToDelete = true
                break
            }
            batches += 1
            var deleted = 0
            for (table, column) in [("connection_pool_metrics", "metric_timestamp"),
                                    (SQLiteStore.rollupTable(.hourly), "bucket_start"),
                                    (SQLiteStore.rollupTable(.daily), "bucket_start")] {
                if table == "connection_pool_metrics" {
                    deleted = try Self.deleteSamples(connection, selecting: "SELECT rowid FROM connection_pool_metrics ORDER BY metric_timestamp LIMIT ?",
                                                     [.integer(Int64(batch))])
                } else {
                    let delete = try connection.prepare(
                        "DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) ORDER BY \(column) LIMIT ?)")
                    delete.bind(Int64(batch))
                    try delete.run()
                    deleted = connection.changes
                }
                if table == "connection_pool_metrics" { report.rawRowsDeleted += deleted } else { report.rollupRowsDeleted += deleted }
                if deleted > 0 { break }
            }
            if deleted == 0 { break }
        }
        if batches > 0 { try reclaim(connection) }
    }

    /// Returns free pages to the file system and copies the WAL into the file, truncating it.
    private func reclaim(_ connection: SQLiteConnection) throws(PoolSQLError) {
        let vacuum = try connection.prepare("PRAGMA incremental_vacuum", cached: false)
        try vacuum.run()
        // Busy (another process reading an old snapshot) is not an error: the next call retries.
        let checkpoint = try connection.prepare("PRAGMA wal_checkpoint(TRUNCATE)", cached: false)
        try checkpoint.run()
    }

    /// Bytes the data needs: pages in use (not on the free list). The WAL is left out: the
    /// deletes themselves grow it, and `reclaim` truncates it afterwards.
    private func liveSize(_ connection: SQLiteConnection) throws(PoolSQLError) -> Int64 {
        let pages = (try connection.scalarInt("PRAGMA page_count") ?? 0) - (try connection.scalarInt("PRAGMA freelist_count") ?? 0)
        return pages * (try connection.scalarInt("PRAGMA page_size") ?? 4096)
    }

    /// The main file (page_count × page_size) plus the WAL file.
    func sizeOnDisk(_ connection: SQLiteConnection) throws(PoolSQLError) -> Int64 {
        let pages = try connection.scalarInt("PRAGMA page_count") ?? 0
        return pages * (try connection.scalarInt("PRAGMA page_size") ?? 4096) + walSize()
    }

    private func walSize() -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
