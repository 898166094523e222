import PoolSQLCore

/// Columnar reads of the history, through an in-memory column cache kept in step with the file.
///
/// A query over the whole history (the hourly trend over a million samples) spends most of its
/// time stepping SQLite through every row; with the columns cached, a repeat of it reads only
/// what changed since: the rows appended (rowids past the highest cached one) and the rows
/// deleted (the deletion log its triggers keep, migration 2). All of it happens in one read
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
        return try withReader { (connection) throws(PoolSQLError) -> SampleColumns? in
            // Out of its lock while it is brought up to date (seconds when it is built), so
            // `columnCacheSize` does not wait; queries are serialized by the reader lock.
            var held = columnCache.withLock { cache in
                defer { cache = nil }
                return cache
            }
            let result = try connection.readTransaction { () throws(PoolSQLError) -> SampleColumns? in
                let state = try Self.cacheState(connection)
                // Positions are Int32: beyond that, rows.
                guard state.rowIDSpan < Int64(Int32.max) else {
                    held = nil
                    return nil
                }
                // The cache as of this snapshot, or nil (none, turned off, outgrown, or too old).
                var current: SQLiteSampleColumnCache?
                if cacheLimitBytes > 0, var cache = held {
                    // Released first, so the vectors are uniquely referenced and catching up
                    // changes them in place instead of copying every column.
                    held = nil
                    if try Self.catchUp(&cache, connection, state), cache.bytes <= cacheLimitBytes { current = cache }
                }
                held = nil
                if let current, current.holds(needed) {
                    held = current
                    return current.select(query, wanted)
                }
                let unfiltered = query.from == nil && query.to == nil && query.poolNames == nil
                    && query.environments == nil && query.instanceIDs == nil
                if unfiltered, cacheLimitBytes > 0 {
                    // Every row is read anyway: read them into a cache, with the columns the
                    // old one held too if they all fit.
                    for columns in [needed.union(current?.columnList ?? []), needed]
                    where state.rowIDSpan * SQLiteSampleColumnCache.bytesPerRow(columns.union(SQLiteSampleColumnCache.orderingColumns)) <= cacheLimitBytes {
                        var fresh = SQLiteSampleColumnCache(lastDeletionID: state.lastDeletionID, updates: state.updates, columns: columns)
                        try Self.appendNewRows(&fresh, connection)
                        held = fresh
                        return fresh.select(query, wanted)
                    }
                }
                held = current
                return try Self.readOnce(query, needed, connection, state).select(query, wanted)
            }
            columnCache.withLock { $0 = held }
            return result
        }
    }

    /// Drops the column cache (the memory goes back at once instead of at the next query).
    public func dropColumnCache() {
        columnCache.withLock { $0 = nil }
    }

    /// Rows and bytes the column cache holds now (0, 0 without one, or while a query brings it
    /// up to date).
    public func columnCacheSize() -> (rows: Int, bytes: Int64) {
        columnCache.withLock { cache in (cache?.count ?? 0, cache?.bytes ?? 0) }
    }

    /// What the cache checks against, read in the query's read transaction.
    struct CacheState {
        /// The newest entry of the deletion log (0: none yet).
        var lastDeletionID: Int64
        /// Log entries up to this id were trimmed.
        var trimmedThrough: Int64
        /// Updates of samples so far.
        var updates: Int64
        var lowestRowID: Int64?
        var highestRowID: Int64?
        /// An upper bound of the number of samples, without counting them.
        var rowIDSpan: Int64 { highestRowID.map { $0 - (lowestRowID ?? $0) + 1 } ?? 0 }
    }

    static func cacheState(_ connection: SQLiteConnection) throws(PoolSQLError) -> CacheState {
        let stateValue = { (name: String) throws(PoolSQLError) -> Int64 in
            let statement = try connection.prepare("SELECT value FROM store_state WHERE name = ?")
            defer { statement.reset() }
            statement.bind(name)
            return try statement.step() ? statement.int64(0) : 0
        }
        return CacheState(
            lastDeletionID: try connection.scalarInt("SELECT seq FROM sqlite_sequence WHERE name = 'connection_pool_metrics_deletions'") ?? 0,
            trimmedThrough: try stateValue("sample_deletions_trimmed_through"),
            updates: try stateValue("sample_updates"),
            lowestRowID: try connection.scalarInt("SELECT min(rowid) FROM connection_pool_metrics"),
            highestRowID: try connection.scalarInt("SELECT max(rowid) FROM connection_pool_metrics"))
    }

    /// Brings `cache` to the snapshot of the current read transaction: drops the rows deleted
    /// since (the deletion log), appends the rows written since. False when it must be rebuilt:
    /// the log no longer reaches back to it (trimmed), rows were updated in place, or the file's
    /// rowids do not end where the cache's do (a full VACUUM renumbered them).
    static func catchUp(_ cache: inout SQLiteSampleColumnCache, _ connection: SQLiteConnection, _ state: CacheState) throws(PoolSQLError) -> Bool {
        guard state.updates == cache.updates, cache.lastDeletionID >= state.trimmedThrough,
              cache.lastDeletionID <= state.lastDeletionID
        else { return false }
        if state.lastDeletionID > cache.lastDeletionID {
            let deleted = try connection.prepare("SELECT row_id FROM connection_pool_metrics_deletions WHERE id > ? AND id <= ?")
            defer { deleted.reset() }
            deleted.bind(cache.lastDeletionID)
            deleted.bind(state.lastDeletionID)
            var rowIDs: Set<Int64> = []
            while try deleted.step() { rowIDs.insert(deleted.int64(0)) }
            cache.remove(rowIDs)
            cache.lastDeletionID = state.lastDeletionID
        }
        try appendNewRows(&cache, connection)
        return cache.rowIDs.first == state.lowestRowID && cache.rowIDs.last == state.highestRowID
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
                         _ state: CacheState) throws(PoolSQLError) -> SQLiteSampleColumnCache {
        var columns = SQLiteSampleColumnCache(lastDeletionID: state.lastDeletionID, updates: state.updates, columns: needed)
        var (filter, binds) = whereClause(query, timeColumn: "metric_timestamp")
        let ordered = !readsInRowidOrder(query)
        if ordered { filter += " ORDER BY metric_timestamp, pool_name, instance_id, rowid" }
        let statement = try connection.prepare("SELECT \(columns.selectList) FROM connection_pool_metrics" + filter)
        defer { statement.reset() }
        bind(binds, to: statement)
        try columns.append(from: statement)
        return columns
    }
}
