import PoolSQLCore

/// Columnar reads of the history, through an in-memory column cache kept in step with the file.
///
/// A query over the whole history (the hourly trend over a million samples) spends most of its
/// time stepping SQLite through every row; with the columns cached, a repeat of it reads only
/// what changed since: the rows appended (rowids past the highest cached one) and the rows
/// deleted (the deletion log, `SQLiteStore.deleteSamples`). All of it happens in one read
/// transaction, so the cache moves from one consistent snapshot of the file to the next, and
/// writes by other processes are seen like this process's own.
///
/// When to cache: a query without filters builds the cache (it reads every row anyway) if the
/// columns fit in `cacheLimitBytes`; once built, every query is answered from it (time range by
/// binary search). A filtered query with no cache reads just its rows, as columns, and leaves
/// no cache behind: the last hour of a long history should not pay for loading all of it.
extension SQLiteStore: ColumnarMetricsStore {
    public func sampleColumns(_ query: MetricsQuery, _ wanted: [SampleColumn], cacheLimitBytes: Int64) throws(PoolSQLError) -> SampleColumns? {
        guard query.limit == nil, !query.latestPerPoolAndInstance else { return nil }
        // The columns the query's filters look at are read too (`select` applies them).
        let needed = Set(wanted).union(query.environments == nil ? [] : [.environment])
        return try withReader { (connection) throws(PoolSQLError) -> SampleColumns in
            try connection.readTransaction { () throws(PoolSQLError) -> SampleColumns in
                try columnCache.withLock { (cache: inout SQLiteSampleColumnCache?) throws(PoolSQLError) -> SampleColumns in
                    let epoch = try connection.scalarInt("SELECT value FROM store_state WHERE name = 'sample_delete_epoch'") ?? 0
                    // The cache as of this snapshot, or nil (none, turned off, outgrown, or too old).
                    var current: SQLiteSampleColumnCache?
                    if cacheLimitBytes > 0, var held = cache {
                        cache = nil  // stays dropped if catching up fails
                        if try Self.catchUp(&held, connection, epoch: epoch), held.bytes <= cacheLimitBytes { current = held }
                    }
                    cache = nil
                    if let current, current.holds(needed) {
                        cache = current
                        return current.select(query, wanted)
                    }
                    let unfiltered = query.from == nil && query.to == nil && query.poolNames == nil
                        && query.environments == nil && query.instanceIDs == nil
                    if unfiltered, cacheLimitBytes > 0 {
                        // Every row is read anyway: read them into a cache, with the columns the
                        // old one held too if they all fit.
                        let span = try Self.rowIDSpan(connection)
                        for columns in [needed.union(current?.columnList ?? []), needed]
                        where span * SQLiteSampleColumnCache.bytesPerRow(columns.union(SQLiteSampleColumnCache.orderingColumns)) <= cacheLimitBytes {
                            var fresh = SQLiteSampleColumnCache(deleteEpoch: epoch, columns: columns)
                            try Self.appendNewRows(&fresh, connection)
                            cache = fresh
                            return fresh.select(query, wanted)
                        }
                    }
                    cache = current
                    return try Self.readOnce(query, needed, connection, epoch: epoch).select(query, wanted)
                }
            }
        }
    }

    /// Drops the column cache (the memory goes back at once instead of at the next query).
    public func dropColumnCache() {
        columnCache.withLock { $0 = nil }
    }

    /// Rows and bytes the column cache holds now (0, 0 without one).
    public func columnCacheSize() -> (rows: Int, bytes: Int64) {
        columnCache.withLock { cache in (cache?.count ?? 0, cache?.bytes ?? 0) }
    }

    /// Brings `cache` to the snapshot of the current read transaction: drops the rows deleted
    /// since its epoch, appends the rows written since. False when the deletion log no longer
    /// reaches back to the cache's epoch (trimmed): the cache must be rebuilt.
    static func catchUp(_ cache: inout SQLiteSampleColumnCache, _ connection: SQLiteConnection, epoch: Int64) throws(PoolSQLError) -> Bool {
        if epoch != cache.deleteEpoch {
            let loggedAfter = try connection.scalarInt("SELECT value FROM store_state WHERE name = 'sample_deletions_logged_after'") ?? 0
            guard epoch > cache.deleteEpoch, cache.deleteEpoch >= loggedAfter else { return false }
            let deleted = try connection.prepare("SELECT row_id FROM connection_pool_metrics_deletions WHERE epoch > ? AND epoch <= ?")
            defer { deleted.reset() }
            deleted.bind(cache.deleteEpoch)
            deleted.bind(epoch)
            var rowIDs: Set<Int64> = []
            while try deleted.step() { rowIDs.insert(deleted.int64(0)) }
            cache.remove(rowIDs)
            cache.deleteEpoch = epoch
        }
        try appendNewRows(&cache, connection)
        return true
    }

    /// Appends the rows past the cache's highest rowid. After deletes of the newest rows SQLite
    /// may hand their rowids out again; the deletes were applied first, so the highest cached
    /// rowid is then below the reused ones and they are read as new.
    static func appendNewRows(_ cache: inout SQLiteSampleColumnCache, _ connection: SQLiteConnection) throws(PoolSQLError) {
        let statement = try connection.prepare("SELECT \(cache.selectList) FROM connection_pool_metrics WHERE rowid > ? ORDER BY rowid")
        defer { statement.reset() }
        statement.bind(cache.highestRowID)
        try cache.append(from: statement)
    }

    /// The rows of one filtered query as columns, not kept. Read on the indexes in `samples`
    /// order; `append` re-sorts only if SQLite's byte order of the texts differs from String's.
    static func readOnce(_ query: MetricsQuery, _ needed: Set<SampleColumn>, _ connection: SQLiteConnection,
                         epoch: Int64) throws(PoolSQLError) -> SQLiteSampleColumnCache {
        var columns = SQLiteSampleColumnCache(deleteEpoch: epoch, columns: needed)
        var (filter, binds) = whereClause(query, timeColumn: "metric_timestamp")
        let ordered = !readsInRowidOrder(query)
        if ordered { filter += " ORDER BY metric_timestamp, pool_name, instance_id, rowid" }
        let statement = try connection.prepare("SELECT \(columns.selectList) FROM connection_pool_metrics" + filter)
        defer { statement.reset() }
        bind(binds, to: statement)
        try columns.append(from: statement)
        return columns
    }

    /// An upper bound of the number of samples, without counting them.
    static func rowIDSpan(_ connection: SQLiteConnection) throws(PoolSQLError) -> Int64 {
        let highest = try connection.scalarInt("SELECT max(rowid) FROM connection_pool_metrics") ?? 0
        let lowest = try connection.scalarInt("SELECT min(rowid) FROM connection_pool_metrics") ?? 1
        return max(0, highest - lowest + 1)
    }
}
